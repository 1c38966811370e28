package io.robustcert.certifier.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.Failure;
import io.robustcert.v1.ShardRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint's report from shard results: the same figures as the whole slice evaluated at once, whatever
 * the order and repetition of the shard results; complete only with every shard in; failed shards named.
 */
class CheckpointResultsTest {

    private static final String ID = "ckpt-1";
    private static final DatasetSlice SLICE = DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(10).build();
    private static final List<BoundMethod> METHODS = List.of(BoundMethod.BOUND_METHOD_IBP, BoundMethod.BOUND_METHOD_CROWN_IBP);
    /** Per sample of the 10: clean correct, broken, verified by IBP, verified by CROWN-IBP. */
    private static final boolean[] CORRECT = {true, true, false, true, true, true, true, false, true, true};
    private static final boolean[] BROKEN = {false, true, true, false, false, true, false, true, false, false};
    private static final boolean[] IBP = {true, false, false, false, true, false, false, false, true, false};
    private static final boolean[] CROWN = {true, false, false, true, true, false, false, false, true, true};

    private static CheckpointCreated announcement() {
        return CheckpointCreated.newBuilder().setCheckpoint(CheckpointRef.newBuilder().setCheckpointId(ID)).setTrainingId("t")
                .setEpoch(3).build();
    }

    private static ShardRef shard(int index, int count, int start, int size) {
        return ShardRef.newBuilder().setCheckpointId(ID).setShardIndex(index).setShardCount(count).setStartIndex(start)
                .setCount(size).build();
    }

    private static CertificationCompleted cert(BoundMethod m, boolean[] verified, ShardRef s) {
        CertificationCompleted.Builder c = CertificationCompleted.newBuilder().setShard(s).setDataset(SLICE).setEpsilon(0.1)
                .setMethod(m).setMode(ComputeMode.COMPUTE_MODE_SOUND);
        for (int i = s.getStartIndex(); i < s.getStartIndex() + s.getCount(); i++) {
            c.addCorrect(CORRECT[i]).addVerified(verified[i]);
        }
        return c.build();
    }

    private static AttackCompleted attack(ShardRef s) {
        AttackCompleted.Builder a = AttackCompleted.newBuilder().setShard(s).setDataset(SLICE).setEpsilon(0.1);
        for (int i = s.getStartIndex(); i < s.getStartIndex() + s.getCount(); i++) {
            a.addCorrect(CORRECT[i]).addBroken(BROKEN[i]);
        }
        return a.build();
    }

    /** Every result of a layout of the 10 samples into shards of {@code size}. */
    private static List<Object> results(int size) {
        List<Object> all = new ArrayList<>();
        int count = (10 + size - 1) / size;
        for (int i = 0; i < count; i++) {
            ShardRef s = shard(i, count, i * size, Math.min(size, 10 - i * size));
            all.add(cert(BoundMethod.BOUND_METHOD_IBP, IBP, s));
            all.add(cert(BoundMethod.BOUND_METHOD_CROWN_IBP, CROWN, s));
            all.add(attack(s));
        }
        return all;
    }

    private static EvaluationReport report(int size, List<Object> results) {
        CheckpointResults r = new CheckpointResults(ID);
        r.announce(announcement(), List.of(0.1), METHODS, (10 + size - 1) / size);
        for (Object o : results) {
            if (o instanceof CertificationCompleted c) {
                r.add(c);
            } else {
                r.add((AttackCompleted) o);
            }
        }
        return r.report(0);
    }

    @Test
    void shardedFiguresEqualTheWholeSlicesInAnyOrderAndRepetition() {
        EvaluationReport whole = report(10, results(10));
        assertTrue(whole.getComplete());
        assertEquals(1, whole.getShardsTotal());
        assertEquals(3, whole.getRatesCount(), "IBP, CROWN-IBP and the best of them");
        for (int size : new int[] {1, 3, 4}) {
            List<Object> shuffled = new ArrayList<>(results(size));
            shuffled.addAll(results(size).subList(0, 4));
            Collections.shuffle(shuffled, new Random(size));
            EvaluationReport sharded = report(size, shuffled);
            assertTrue(sharded.getComplete(), "shards of " + size);
            assertEquals((10 + size - 1) / size, sharded.getShardsTotal());
            assertEquals(sharded.getShardsTotal(), sharded.getShardsComplete());
            assertEquals(whole.getRatesList(), sharded.getRatesList(), "shards of " + size);
        }
    }

    @Test
    void aReportIsCompleteOnlyWithEveryShardAndNamesFailedShards() {
        List<Object> all = results(4);
        List<Object> partial = new ArrayList<>(all.subList(0, 6));
        EvaluationReport two = report(4, partial);
        assertFalse(two.getComplete());
        assertEquals(3, two.getShardsTotal());
        assertEquals(2, two.getShardsComplete());
        assertEquals(3, two.getRatesCount(), "figures over the shards that are in");

        partial.add(all.get(6));
        partial.add(all.get(7));
        partial.add(AttackCompleted.newBuilder().setShard(shard(2, 3, 8, 2))
                .setFailure(Failure.newBuilder().setReason("OUT_OF_MEMORY").setMessage("native memory")).build());
        EvaluationReport failed = report(4, partial);
        assertFalse(failed.getComplete());
        assertEquals(3, failed.getShardsComplete(), "a failed shard is done, not complete");
        assertEquals(1, failed.getFailedShardsCount());
        assertEquals(2, failed.getFailedShards(0).getShard().getShardIndex());
        assertEquals("attack", failed.getFailedShards(0).getStage());
    }

    /** As the flow sends it when the checkpoint cannot be loaded: no samples named, so no shard can be done. */
    @Test
    void aFailureOfTheWholeCheckpointFailsEveryShardOfItsStageOnce() {
        List<Object> attacksOnly = new ArrayList<>(results(4).stream().filter(o -> o instanceof AttackCompleted).toList());
        attacksOnly.add(CertificationCompleted.newBuilder().setShard(ShardRef.newBuilder().setCheckpointId(ID).setShardCount(1))
                .setFailure(Failure.newBuilder().setReason("CHECKPOINT_HASH_MISMATCH").setMessage("tampered")).build());
        EvaluationReport failed = report(4, attacksOnly);
        assertFalse(failed.getComplete());
        assertEquals(3, failed.getShardsTotal());
        assertEquals(3, failed.getShardsComplete(), "every shard failed at certification and was attacked");
        assertEquals(1, failed.getFailedShardsCount(), "the checkpoint's failure is named once");
        assertEquals("CHECKPOINT_HASH_MISMATCH", failed.getFailedShards(0).getFailure().getReason());
        assertEquals("certification", failed.getFailedShards(0).getStage());

        EvaluationReport notAttacked = report(4, List.of(attacksOnly.get(attacksOnly.size() - 1)));
        assertEquals(0, notAttacked.getShardsComplete(), "the attack results are still awaited");
    }

    @Test
    void alarmsNameTheSliceIndexOfTheSampleInItsShard() {
        boolean[] wrongIbp = IBP.clone();
        wrongIbp[5] = true;
        CheckpointResults r = new CheckpointResults(ID);
        r.announce(announcement(), List.of(0.1), List.of(BoundMethod.BOUND_METHOD_IBP), 3);
        ShardRef second = shard(1, 3, 4, 4);
        r.add(cert(BoundMethod.BOUND_METHOD_IBP, wrongIbp, second));
        r.add(attack(second));
        List<CheckpointResults.Join> joins = r.joins();
        assertEquals(1, joins.size());
        assertEquals(1, joins.get(0).shard());
        assertEquals(List.of(5), joins.get(0).alarmed());
    }
}
