package io.robustcert.core.data;

import java.util.SplittableRandom;

/**
 * Training augmentation of method.md §8: an optional random horizontal flip (probability ½), then an
 * optional random H×W crop of the image zero-padded by {@code padding} pixels on every side (as
 * torchvision's {@code RandomHorizontalFlip()} then {@code RandomCrop(size, padding)}).
 *
 * <p>Random draws per example, in this order: {@code rng.nextBoolean()} for the flip (only when
 * flipping is on), then {@code rng.nextInt(2·padding + 1)} for the crop's top offset and the same for its
 * left offset (only when padding > 0). The same generator state gives the same images.
 *
 * @param flip    random horizontal flip
 * @param padding zero padding of the random crop; 0 for no crop
 */
public record Augmentation(boolean flip, int padding) {

    public static final Augmentation NONE = new Augmentation(false, 0);

    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + padding);
        }
    }

    public boolean isNone() {
        return !flip && padding == 0;
    }

    /**
     * Writes the augmented image of {@code src} (C·H·W from {@code srcOffset}) to {@code dst} from
     * {@code dstOffset}; the two regions must not overlap.
     */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset, int channels, int height, int width,
            SplittableRandom rng) {
        boolean mirror = flip && rng.nextBoolean();
        int top = padding > 0 ? rng.nextInt(2 * padding + 1) : padding;
        int left = padding > 0 ? rng.nextInt(2 * padding + 1) : padding;
        apply(src, srcOffset, dst, dstOffset, channels, height, width, mirror, top, left);
    }

    /**
     * The deterministic part: flip if {@code mirror}, pad by {@link #padding()} zeros, and take the
     * crop whose top-left corner is at ({@code top}, {@code left}) of the padded image.
     */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset, int channels, int height, int width,
            boolean mirror, int top, int left) {
        int plane = height * width;
        int dy = top - padding;
        int dx = left - padding;
        for (int c = 0; c < channels; c++) {
            int sBase = srcOffset + c * plane;
            int dBase = dstOffset + c * plane;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                int dRow = dBase + y * width;
                if (sy < 0 || sy >= height) {
                    java.util.Arrays.fill(dst, dRow, dRow + width, 0f);
                    continue;
                }
                int sRow = sBase + sy * width;
                for (int x = 0; x < width; x++) {
                    int sx = x + dx; // column of the flipped image
                    if (sx < 0 || sx >= width) {
                        dst[dRow + x] = 0f;
                    } else {
                        dst[dRow + x] = src[sRow + (mirror ? width - 1 - sx : sx)];
                    }
                }
            }
        }
    }
}
