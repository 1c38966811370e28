package io.robustcert.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int C = 3;
    private static final int H = 5;
    private static final int W = 7;

    private static float[] image() {
        float[] x = new float[C * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + i; // all nonzero, all distinct
        }
        return x;
    }

    /** Independent reference: materialise flipped, then zero-padded, then crop. */
    private static float[] reference(float[] src, boolean mirror, int pad, int top, int left) {
        int hp = H + 2 * pad;
        int wp = W + 2 * pad;
        float[][][] padded = new float[C][hp][wp];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int sx = mirror ? W - 1 - x : x;
                    padded[c][y + pad][x + pad] = src[c * H * W + y * W + sx];
                }
            }
        }
        float[] out = new float[C * H * W];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    out[c * H * W + y * W + x] = padded[c][y + top][x + left];
                }
            }
        }
        return out;
    }

    @Test
    void everyFlipAndOffsetMatchesTheReference() {
        float[] src = image();
        Augmentation a = new Augmentation(true, 2);
        for (boolean mirror : new boolean[] {false, true}) {
            for (int top = 0; top <= 4; top++) {
                for (int left = 0; left <= 4; left++) {
                    float[] dst = new float[src.length];
                    java.util.Arrays.fill(dst, Float.NaN);
                    a.apply(src, 0, dst, 0, C, H, W, mirror, top, left);
                    assertArrayEquals(reference(src, mirror, 2, top, left), dst,
                            "mirror " + mirror + " top " + top + " left " + left);
                }
            }
        }
    }

    @Test
    void centredUnflippedCropIsTheIdentityAndFlipMirrorsRows() {
        float[] src = image();
        float[] dst = new float[src.length];
        new Augmentation(false, 4).apply(src, 0, dst, 0, C, H, W, false, 4, 4);
        assertArrayEquals(src, dst);
        new Augmentation(true, 0).apply(src, 0, dst, 0, C, H, W, true, 0, 0);
        assertEquals(src[W - 1], dst[0]);
        assertEquals(src[2 * H * W + 3 * W], dst[2 * H * W + 3 * W + W - 1]);
    }

    @Test
    void randomDrawsCoverAllOffsetsAndBothFlipsAndRepeatWithTheSeed() {
        float[] src = image();
        Augmentation a = new Augmentation(true, 2);
        java.util.Set<String> seen = new java.util.HashSet<>();
        int flips = 0;
        int draws = 4000;
        for (int i = 0; i < draws; i++) {
            SplittableRandom rng = new SplittableRandom(42 + i);
            SplittableRandom probe = new SplittableRandom(42 + i);
            boolean mirror = probe.nextBoolean();
            int top = probe.nextInt(5);
            int left = probe.nextInt(5);
            float[] dst = new float[src.length];
            a.apply(src, 0, dst, 0, C, H, W, rng);
            assertArrayEquals(reference(src, mirror, 2, top, left), dst);
            seen.add(mirror + "," + top + "," + left);
            flips += mirror ? 1 : 0;
        }
        assertEquals(2 * 5 * 5, seen.size());
        assertTrue(Math.abs(flips - draws / 2) < 200, "flips " + flips);
        float[] x = new float[src.length];
        float[] y = new float[src.length];
        a.apply(src, 0, x, 0, C, H, W, new SplittableRandom(7));
        a.apply(src, 0, y, 0, C, H, W, new SplittableRandom(7));
        assertArrayEquals(x, y);
    }

    @Test
    void paperSettingsPerDataset() {
        assertEquals(new Augmentation(true, 4), DatasetKind.CIFAR10.paperAugmentation());
        assertEquals(new Augmentation(false, 4), DatasetKind.SVHN.paperAugmentation());
        assertTrue(DatasetKind.MNIST.paperAugmentation().isNone());
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, -1));
    }
}
