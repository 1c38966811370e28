package io.robustcert.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch.
 *
 * @param inputs  float32 {@code [B, C, H, W]}, after augmentation and normalisation
 * @param labels  the B labels
 * @param indices the B examples' indices in the dataset
 */
public record Batch(INDArray inputs, int[] labels, int[] indices) {

    public int size() {
        return labels.length;
    }
}
