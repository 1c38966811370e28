package io.robustcert.core.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.attack.PgdOptions.Loss;
import io.robustcert.core.attack.PgdOptions.StepSchedule;
import io.robustcert.core.perturb.InputDomain;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PgdOptionsTest {

    private static final PgdOptions BASE = PgdOptions.specEvaluation(0.1);

    private static void refused(String message, Supplier<PgdOptions> options) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, options::get);
        assertEquals(message, e.getMessage());
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        for (double eps : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("epsilon must be a finite number ≥ 0, got " + eps,
                    () -> new PgdOptions(eps, InputDomain.UNIT, 10, 0.1, StepSchedule.CONSTANT, false, 1, Loss.MARGIN,
                            false, true, 0));
        }
        refused("steps must be ≥ 0, got -1", () -> BASE.withSteps(-1));
        for (double a : new double[] {0, -0.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("step size must be a finite number > 0, got " + a, () -> BASE.withStepSize(a));
        }
        refused("restarts must be ≥ 1, got 0", () -> BASE.withRestarts(0));
        refused("input domain missing", () -> BASE.withDomain(null));
        refused("loss missing", () -> BASE.withLoss(null));
        refused("step schedule missing", () -> BASE.withSchedule(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pgd(null));
        assertEquals("attack options missing", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge"));
        assertEquals("unknown loss 'hinge' (expected ce or margin)", e.getMessage());
    }

    @Test
    void theSpecPresetIsMethodSection10_2() {
        PgdOptions o = PgdOptions.specEvaluation(0.3);
        assertEquals(0.3, o.epsilon());
        assertEquals(100, o.steps());
        assertEquals(0.075, o.stepSize());
        assertEquals(StepSchedule.CONSTANT, o.schedule());
        assertFalse(o.randomStart());
        assertEquals(1, o.restarts());
        assertEquals(Loss.CROSS_ENTROPY, o.loss());
        assertFalse(o.multiTargeted());
        assertEquals(InputDomain.UNIT, o.domain());
    }

    @Test
    void thePlatformDefaultIsStronger() {
        PgdOptions o = PgdOptions.platformDefault(0.1);
        assertEquals(100, o.steps());
        assertTrue(o.randomStart());
        assertEquals(5, o.restarts());
        assertEquals(Loss.MARGIN, o.loss());
        assertEquals(StepSchedule.LINEAR_DECAY, o.schedule());
        assertTrue(o.earlyStop());
    }

    @Test
    void fgsmIsOneFullStepFromTheCleanInput() {
        PgdOptions o = PgdOptions.fgsm(0.2);
        assertEquals(1, o.steps());
        assertEquals(0.2, o.stepSize());
        assertFalse(o.randomStart());
        assertEquals(1, o.restarts());
        assertEquals(Loss.CROSS_ENTROPY, o.loss());
    }

    @Test
    void presetsAtEpsilonZeroAreValid() {
        assertTrue(PgdOptions.specEvaluation(0).stepSize() > 0);
        assertTrue(PgdOptions.platformDefault(0).stepSize() > 0);
        assertTrue(PgdOptions.fgsm(0).stepSize() > 0);
    }

    @Test
    void scheduleAndWithers() {
        PgdOptions o = PgdOptions.platformDefault(0.4).withSteps(4);
        assertEquals(0.1, o.stepSizeAt(0));
        assertEquals(0.025, o.stepSizeAt(3), 1e-15);
        assertEquals(0.1, o.withSchedule(StepSchedule.CONSTANT).stepSizeAt(3));
        PgdOptions p = o.withSeed(9).withRestarts(2).withMultiTargeted(true).withEarlyStop(false).withRandomStart(false)
                .withLoss(Loss.CROSS_ENTROPY).withDomain(InputDomain.UNBOUNDED).withStepSize(0.5);
        assertEquals(new PgdOptions(0.4, InputDomain.UNBOUNDED, 4, 0.5, StepSchedule.LINEAR_DECAY, false, 2,
                Loss.CROSS_ENTROPY, true, false, 9), p);
        assertEquals(Loss.MARGIN, Loss.parse("margin"));
        assertEquals(Loss.CROSS_ENTROPY, Loss.parse("ce"));
    }
}
