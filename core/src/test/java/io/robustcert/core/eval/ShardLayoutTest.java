package io.robustcert.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardLayoutTest {

    @Test
    void consecutiveShardsCoverEverySampleOnce() {
        assertEquals(List.of(new ShardLayout.Shard(0, 4, 0, 3000), new ShardLayout.Shard(1, 4, 3000, 3000),
                new ShardLayout.Shard(2, 4, 6000, 3000), new ShardLayout.Shard(3, 4, 9000, 1000)),
                ShardLayout.of(10_000, 3000));
        for (int samples : new int[] {1, 7, 999, 1000, 1001}) {
            for (int size : new int[] {0, 1, 3, 1000, 5000}) {
                List<ShardLayout.Shard> shards = ShardLayout.of(samples, size);
                int next = 0;
                for (ShardLayout.Shard s : shards) {
                    assertEquals(next, s.start());
                    assertEquals(shards.size(), s.count());
                    next += s.size();
                }
                assertEquals(samples, next, samples + " in shards of " + size);
            }
        }
    }

    @Test
    void sizeZeroOrLargerThanTheSliceIsOneShard() {
        assertEquals(List.of(new ShardLayout.Shard(0, 1, 0, 500)), ShardLayout.of(500, 0));
        assertEquals(List.of(new ShardLayout.Shard(0, 1, 0, 500)), ShardLayout.of(500, 800));
        assertEquals(List.of(new ShardLayout.Shard(0, 1, 0, 0)), ShardLayout.of(0, 100));
    }

    @Test
    void badSizesAndTooManyShardsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ShardLayout.of(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> ShardLayout.of(10, -1));
        assertThrows(IllegalArgumentException.class, () -> ShardLayout.of(60_000, 1));
    }
}
