package io.robustcert.trainer.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SweepRequestTest {
  private static final String STORE = "/var/lib/robustcert/checkpoints";

  @Test
  void theGridIsMethodsTimesEpsilonsTimesSeedsInOrder() {
    List<TrainingRequest> runs = new SweepRequest(List.of("ibp", "crown-ibp"), List.of(0.1, 0.3), List.of(1L, 2L, 3L),
        "mnist", 2, STORE, null).runs();
    assertEquals(12, runs.size());
    assertEquals(new TrainingRequest("ibp", 0.1, 1, "mnist", 2, STORE, null), runs.get(0));
    assertEquals(new TrainingRequest("ibp", 0.1, 2, "mnist", 2, STORE, null), runs.get(1));
    assertEquals(new TrainingRequest("crown-ibp", 0.3, 3, "mnist", 2, STORE, null), runs.get(11));
  }

  @Test
  void emptyRepeatedOrNullAxesAreRefused() {
    assertFields(new SweepRequest(List.of(), List.of(0.1), List.of(1L), "mnist", 1, STORE, null), "methods");
    assertFields(new SweepRequest(List.of("ibp", "ibp"), List.of(0.1), List.of(1L), "mnist", 1, STORE, null), "methods");
    assertFields(new SweepRequest(List.of("ibp"), Arrays.asList(0.1, null), List.of(1L), "mnist", 1, STORE, null),
        "epsilons");
    assertFields(new SweepRequest(List.of("ibp"), List.of(0.1), null, "mnist", 1, STORE, null), "seeds");
    assertFields(new SweepRequest(List.of("ibp"), List.of(Double.POSITIVE_INFINITY), List.of(1L), "mnist", 1, STORE,
        null), "epsilons[0]");
  }

  @Test
  void aGridLargerThanTheLimitIsRefusedBeforeAnythingIsBuilt() {
    List<Long> seeds = LongStream.range(0, 64).boxed().toList();
    List<Double> eps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      eps.add(0.01 * (i + 1));
    }
    InvalidTrainingRequestException e = assertThrows(InvalidTrainingRequestException.class,
        () -> new SweepRequest(List.of("ibp"), eps, seeds, "mnist", 1, STORE, null).runs());
    assertEquals("methods: the grid has 320 runs; at most 256", e.getMessage());
  }

  @Test
  void unsafeStorePathsAreRefused() {
    for (String store : List.of("relative/path", "/a/../b", "/a/./b", "/a/..", "/", "/a b", "")) {
      assertFields(new SweepRequest(List.of("ibp"), List.of(0.1), List.of(1L), "mnist", 1, store, null),
          "checkpoint_store");
    }
  }

  private static void assertFields(SweepRequest sweep, String... fields) {
    InvalidTrainingRequestException e = assertThrows(InvalidTrainingRequestException.class, sweep::runs);
    assertEquals(List.of(fields), e.violations().stream().map(FieldViolation::field).toList(), e.getMessage());
  }
}
