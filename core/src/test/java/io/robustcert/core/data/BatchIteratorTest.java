package io.robustcert.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class BatchIteratorTest {

    /** 23 examples of 2×3×4 with distinct pixel patterns; label i % 10. */
    private static Dataset data() {
        int n = 23;
        int len = 2 * 3 * 4;
        byte[] pixels = new byte[n * len];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int k = 0; k < len; k++) {
                pixels[i * len + k] = (byte) ((i * 31 + k * 7) % 256);
            }
        }
        return new Dataset("toy", 2, 3, 4, 10, pixels, labels, List.of());
    }

    private static List<Batch> all(BatchIterator it) {
        List<Batch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void sequentialBatchesInOrderWithASmallerLastBatch() {
        Dataset d = data();
        BatchIterator it = BatchIterator.sequential(d, 5);
        assertEquals(5, it.batches());
        List<Batch> batches = all(it);
        assertEquals(5, batches.size());
        assertEquals(3, batches.get(4).size());
        Batch b = batches.get(1);
        assertArrayEquals(new long[] {5, 2, 3, 4}, b.inputs().shape());
        assertEquals(DataType.FLOAT, b.inputs().dataType());
        assertArrayEquals(new int[] {5, 6, 7, 8, 9}, b.indices());
        assertArrayEquals(new int[] {5, 6, 7, 8, 9}, b.labels());
        float[] flat = b.inputs().data().asFloat();
        for (int i = 0; i < 5; i++) {
            float[] img = d.image(5 + i);
            assertArrayEquals(img, Arrays.copyOfRange(flat, i * 24, i * 24 + 24));
        }
        assertFalse(it.hasNext());
        assertEquals(4, BatchIterator.sequential(d, 5).dropLast().batches());
        assertEquals(4, all(BatchIterator.sequential(d, 5).dropLast()).size());
    }

    @Test
    void shuffledIsASeededPermutation() {
        Dataset d = data();
        List<Batch> a = all(BatchIterator.shuffled(d, 4, new SplittableRandom(3)));
        List<Batch> b = all(BatchIterator.shuffled(d, 4, new SplittableRandom(3)));
        int[] seen = new int[d.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            assertArrayEquals(a.get(i).inputs().data().asFloat(), b.get(i).inputs().data().asFloat());
            for (int j = 0; j < a.get(i).size(); j++) {
                int idx = a.get(i).indices()[j];
                seen[idx]++;
                order.add(idx);
                assertEquals(d.label(idx), a.get(i).labels()[j]);
            }
        }
        for (int s : seen) {
            assertEquals(1, s);
        }
        assertNotEquals(order, order.stream().sorted().toList());
        assertArrayEquals(BatchIterator.permutation(d.size(), new SplittableRandom(3)),
                order.stream().mapToInt(Integer::intValue).toArray());
        assertFalse(Arrays.equals(BatchIterator.permutation(d.size(), new SplittableRandom(4)),
                order.stream().mapToInt(Integer::intValue).toArray()));
    }

    @Test
    void augmentationAndNormalizationInThatOrder() {
        Dataset d = data();
        Augmentation aug = new Augmentation(true, 1);
        Normalization norm = new Normalization(new float[] {0.25f, 0.5f}, new float[] {0.5f, 0.2f});
        BatchIterator it = BatchIterator.sequential(d, 6).augment(aug, new SplittableRandom(11)).normalize(norm);
        SplittableRandom replay = new SplittableRandom(11);
        for (Batch b : all(it)) {
            SplittableRandom child = replay.split();
            float[] flat = b.inputs().data().asFloat();
            for (int i = 0; i < b.size(); i++) {
                float[] expected = new float[24];
                aug.apply(d.image(b.indices()[i]), 0, expected, 0, 2, 3, 4, child);
                for (int k = 0; k < 24; k++) {
                    int c = k / 12;
                    float e = (expected[k] - norm.mean()[c]) / norm.std()[c];
                    assertEquals(e, flat[i * 24 + k], 0f);
                }
            }
        }
    }

    @Test
    void skipReproducesTheRemainingBatches() {
        Dataset d = data();
        Augmentation aug = new Augmentation(true, 1);
        List<Batch> whole = all(BatchIterator.shuffled(d, 4, new SplittableRandom(5))
                .augment(aug, new SplittableRandom(6)));
        BatchIterator resumed = BatchIterator.shuffled(d, 4, new SplittableRandom(5)).augment(aug, new SplittableRandom(6));
        resumed.skip(3);
        assertEquals(3, resumed.batchIndex());
        List<Batch> rest = all(resumed);
        assertEquals(whole.size() - 3, rest.size());
        for (int i = 0; i < rest.size(); i++) {
            assertArrayEquals(whole.get(i + 3).indices(), rest.get(i).indices());
            assertArrayEquals(whole.get(i + 3).inputs().data().asFloat(), rest.get(i).inputs().data().asFloat());
        }
        assertThrows(IllegalStateException.class, () -> resumed.normalize(Normalization.identity(2)));
        assertThrows(IllegalArgumentException.class, () -> BatchIterator.sequential(d, 4).skip(7));
    }

    @Test
    void refusesBadSettings() {
        Dataset d = data();
        assertThrows(IllegalArgumentException.class, () -> BatchIterator.sequential(d, 0));
        assertThrows(IllegalArgumentException.class,
                () -> BatchIterator.sequential(d, 4).normalize(Normalization.identity(3)));
        assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[] {0f}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[] {0f, 1f}, new float[] {1f}));
        assertTrue(Normalization.identity(3).isIdentity());
        assertFalse(DatasetKind.SVHN.paperNormalization().isIdentity());
        assertArrayEquals(new float[] {0.19803014f, 0.20101564f, 0.19703615f}, DatasetKind.SVHN.paperNormalization().std());
        assertTrue(DatasetKind.CIFAR10.paperNormalization().isIdentity());
    }
}
