package io.robustcert.core.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches over a dataset, in order or shuffled with a seeded generator, optionally augmented and
 * normalised, as float32 {@code [B, C, H, W]} arrays. One pass (one epoch) per iterator.
 *
 * <p>Determinism: the shuffled order is a Fisher–Yates permutation drawn from the generator given to
 * {@link #shuffled} when the iterator is made (for i = n−1 … 1, swap i with {@code rng.nextInt(i + 1)}).
 * Augmentation draws one {@code split()} of its generator per batch, in batch order, and that child
 * generator serves the batch's examples in order (see {@link Augmentation}). {@link #skip(int)} makes
 * the same draws without building the batches, so an iterator built from the same generator states and
 * skipped k batches yields exactly the batches an uninterrupted one yields from batch k on.
 */
public final class BatchIterator implements Iterator<Batch> {

    private final Dataset data;
    private final int batchSize;
    private final int[] order;
    private Augmentation augmentation = Augmentation.NONE;
    private SplittableRandom augmentationRng;
    private Normalization normalization;
    private boolean dropLast;
    private int position; // index into order of the next example
    private boolean started;

    private BatchIterator(Dataset data, int batchSize, int[] order) {
        this.data = Objects.requireNonNull(data, "data");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.order = order;
        this.normalization = Normalization.identity(data.channels());
    }

    /** Batches of consecutive examples 0, 1, 2, …. */
    public static BatchIterator sequential(Dataset data, int batchSize) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return new BatchIterator(data, batchSize, order);
    }

    /** Batches in an order drawn from {@code rng} now (see the class comment). */
    public static BatchIterator shuffled(Dataset data, int batchSize, SplittableRandom rng) {
        return new BatchIterator(data, batchSize, permutation(data.size(), rng));
    }

    /** The Fisher–Yates permutation of 0 … n−1 that {@link #shuffled} uses. */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Augments every example with draws from {@code rng} (one {@code split()} per batch). */
    public BatchIterator augment(Augmentation a, SplittableRandom rng) {
        requireNotStarted();
        this.augmentation = Objects.requireNonNull(a, "augmentation");
        this.augmentationRng = a.isNone() ? null : Objects.requireNonNull(rng, "rng");
        return this;
    }

    /** Normalises every example (after augmentation). */
    public BatchIterator normalize(Normalization n) {
        requireNotStarted();
        if (n.channels() != data.channels()) {
            throw new IllegalArgumentException("normalisation has " + n.channels() + " channels, " + data.name()
                    + " has " + data.channels());
        }
        this.normalization = n;
        return this;
    }

    /** Leaves out a last batch smaller than the batch size. */
    public BatchIterator dropLast() {
        requireNotStarted();
        this.dropLast = true;
        return this;
    }

    /** The example order of this pass (a copy). */
    public int[] order() {
        return order.clone();
    }

    /** Batches in the whole pass. */
    public int batches() {
        int n = order.length;
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Batches already produced or skipped. */
    public int batchIndex() {
        return position / batchSize;
    }

    /** Skips {@code k} batches, making the same random draws as producing them would. */
    public void skip(int k) {
        if (k < 0 || batchIndex() + k > batches()) {
            throw new IllegalArgumentException("cannot skip " + k + " batches at batch " + batchIndex() + " of "
                    + batches());
        }
        started = true;
        for (int i = 0; i < k; i++) {
            if (augmentationRng != null) {
                augmentationRng.split();
            }
            position = Math.min(order.length, position + batchSize);
        }
    }

    @Override
    public boolean hasNext() {
        return batchIndex() < batches() && position < order.length;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        started = true;
        int b = Math.min(batchSize, order.length - position);
        int len = data.exampleLength();
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        float[] buf = new float[b * len];
        int[] labels = new int[b];
        int[] indices = new int[b];
        SplittableRandom rng = augmentationRng == null ? null : augmentationRng.split();
        float[] raw = rng == null ? null : new float[len];
        for (int i = 0; i < b; i++) {
            int idx = order[position + i];
            indices[i] = idx;
            labels[i] = data.label(idx);
            if (rng == null) {
                data.copyImage(idx, buf, i * len);
            } else {
                data.copyImage(idx, raw, 0);
                augmentation.apply(raw, 0, buf, i * len, c, h, w, rng);
            }
        }
        normalization.applyInPlace(buf, 0, b, h * w);
        position += b;
        return new Batch(Nd4j.create(buf, new long[] {b, c, h, w}, 'c'), labels, indices);
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("configure the batch iterator before the first batch");
        }
    }
}
