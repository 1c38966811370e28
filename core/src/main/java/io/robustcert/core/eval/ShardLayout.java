package io.robustcert.core.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * How a checkpoint's evaluation is split so that several instances share it: samples [0, samples) of the
 * plan's slice cut into consecutive shards of {@code shardSize} (the last one shorter). Every party (the
 * certifier, the attacker, the report) computes the same layout from the same two numbers, so a shard is
 * named by its index alone. A shard size of 0 (or at least the sample count) is one shard: the whole slice.
 */
public final class ShardLayout {

    /** Shard {@code index} of {@code count}: samples [start, start + size) of the slice. */
    public record Shard(int index, int count, int start, int size) {
    }

    /** At most this many shards per checkpoint: beyond it the per-shard overhead outweighs the spread. */
    public static final int MAX_SHARDS = 10_000;

    private ShardLayout() {
    }

    public static List<Shard> of(int samples, int shardSize) {
        if (samples < 0 || shardSize < 0) {
            throw new IllegalArgumentException("samples and shard size must be ≥ 0, got " + samples + " and " + shardSize);
        }
        if (samples == 0) {
            return List.of(new Shard(0, 1, 0, 0));
        }
        int size = shardSize == 0 ? samples : Math.min(shardSize, samples);
        int count = (int) (((long) samples + size - 1) / size);
        if (count > MAX_SHARDS) {
            throw new IllegalArgumentException(samples + " samples in shards of " + shardSize + " would be " + count
                    + " shards; at most " + MAX_SHARDS + " are allowed");
        }
        List<Shard> shards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int start = i * size;
            shards.add(new Shard(i, count, start, Math.min(size, samples - start)));
        }
        return shards;
    }
}
