package io.robustcert.core.data;

import java.util.Arrays;

/**
 * Per-channel input normalisation x ↦ (x − μ_c) / σ_c, in float32 (a subtraction then a division,
 * as torchvision's {@code Normalize}).
 *
 * <p>For certification the same map belongs in the model (the core's {@code Normalize} layer) so that
 * ε is measured in pixel space; this class is for the training pipeline, applied after augmentation
 * (so zero padding is padding in pixel space, as with torchvision's {@code RandomCrop} before
 * {@code ToTensor}/{@code Normalize}).
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalisation channel " + c + ": mean " + mean[c] + ", std "
                        + std[c] + " (std must be finite and > 0)");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** μ = 0, σ = 1: the identity. */
    public static Normalization identity(int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(s, 1f);
        return new Normalization(m, s);
    }

    public int channels() {
        return mean.length;
    }

    public boolean isIdentity() {
        for (int c = 0; c < mean.length; c++) {
            if (mean[c] != 0f || std[c] != 1f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Normalises {@code count} examples in place, stored C·H·W each from {@code offset}.
     *
     * @param plane H·W
     */
    public void applyInPlace(float[] values, int offset, int count, int plane) {
        if (isIdentity()) {
            return;
        }
        int c = mean.length;
        for (int e = 0; e < count; e++) {
            for (int ch = 0; ch < c; ch++) {
                float m = mean[ch];
                float s = std[ch];
                int base = offset + (e * c + ch) * plane;
                for (int k = 0; k < plane; k++) {
                    values[base + k] = (values[base + k] - m) / s;
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
