package io.robustcert.core.layer;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Per-channel constants of {@link Normalize} and {@link BatchNorm} (the channel is the first per-example axis). */
final class PerChannel {

    private PerChannel() {
    }

    /** One value per channel of {@code shape} as a tensor {@code [1, C, 1, ...]} that broadcasts over {@code [N, ...shape]}. */
    static INDArray of(double[] values, long[] shape, DataType type) {
        long[] s = new long[shape.length + 1];
        Arrays.fill(s, 1);
        s[1] = shape[0];
        return Nd4j.createFromArray(values).castTo(type).reshape('c', s);
    }
}
