package io.robustcert.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** method.md §13.11–12: schedule values the repo's configurations imply. */
class SchedulesTest {

    /** MNIST: schedule_start 10, schedule_length 50, 750 batches per epoch, train ε 0.4. */
    private final EpsilonSchedule mnist = new EpsilonSchedule.Linear(0, 0.4, 10, 50, 750);

    @Test
    void linearRampHitsTheSpecValues() {
        assertEquals(0.0, mnist.atEpochStart(10), 0);
        assertEquals(0.4, mnist.atEpochStart(59), 1e-15);
        assertEquals(0.2, mnist.value((long) (10 * 750 + 24.5 * 750)), 1e-12);
        assertEquals(0.4, mnist.atEpochStart(150), 0);
        assertEquals(0.0, mnist.value(0), 0);
        assertTrue(mnist.naturalEpoch(9), "epoch 9: next epoch starts at ε = 0");
        assertFalse(mnist.naturalEpoch(10), "epoch 10 ramps up from its second batch");
    }

    @Test
    void degenerateRampJumpsToTheEnd() {
        EpsilonSchedule jump = new EpsilonSchedule.Linear(0, 0.3, 4, 1, 100);
        assertEquals(0.3, jump.value(0), 0);
        assertEquals(0.3, jump.value(1000), 0);
    }

    @Test
    void smoothedRampIsContinuousWithContinuousSlopeAtTheJoin() {
        EpsilonSchedule.Smoothed s = new EpsilonSchedule.Smoothed(0, 8.0 / 255, 320, 1601, 98);
        long s0 = 320L * 98;
        long s1 = (320L + 1601 - 1) * 98;
        long sm = s.middleStep();
        assertEquals(0, s.value(s0), 0);
        assertEquals(8.0 / 255, s.value(s1), 1e-15);
        assertEquals(8.0 / 255, s.value(s1 + 5000), 0);
        double left = s.value(sm - 1);
        double at = s.value(sm);
        double right = s.value(sm + 1);
        assertEquals(at - left, right - at, 1e-9 * (8.0 / 255), "slope continuous at the join");
        double alpha = s.alpha();
        assertEquals(alpha * Math.pow(sm - s0, 4), at, 1e-15, "value continuous at the join");
        for (long step = s0; step < s1; step += 997) {
            assertTrue(s.value(step + 997) >= s.value(step), "non-decreasing");
        }
    }

    @Test
    void mixingFollowsEpsilon() {
        Mixing crownIbpBeta = new Mixing(1, 0);
        assertEquals(1, crownIbpBeta.at(0, 0.4), 0);
        assertEquals(0.5, crownIbpBeta.at(0.2, 0.4), 1e-15);
        assertEquals(0, crownIbpBeta.at(0.4, 0.4), 0);
        Mixing paperBeta = new Mixing(1, 1);
        Mixing paperKappa = new Mixing(0, 0);
        for (double eps : new double[] {0, 0.1, 0.4}) {
            assertEquals(1, paperBeta.at(eps, 0.4), 0);
            assertEquals(0, paperKappa.at(eps, 0.4), 0);
        }
        assertThrows(IllegalArgumentException.class, () -> new Mixing(1.5, 0));
    }

    @Test
    void learningRatesMatchTheConfigurations() {
        LearningRateSchedule mnistLr = new LearningRateSchedule.MultiStep(5e-4, new long[] {130, 190}, 0.1);
        assertEquals(5e-4, mnistLr.rate(129), 1e-18);
        assertEquals(5e-5, mnistLr.rate(130), 1e-18);
        assertEquals(5e-6, mnistLr.rate(190), 1e-18);
        LearningRateSchedule cifarLr = new LearningRateSchedule.StepDecay(3e-4, 20, 241, 10, 0.5);
        assertEquals(3e-4, cifarLr.rate(269), 0);
        assertEquals(1.5e-4, cifarLr.rate(270), 0);
        assertEquals(3e-4 * Math.pow(2, -13), cifarLr.rate(399), 1e-18);
        LearningRateSchedule svhnLr = new LearningRateSchedule.StepDecay(3e-4, 10, 121, 10, 0.5);
        assertEquals(3e-4, svhnLr.rate(139), 0);
        assertEquals(3e-4 / 64, svhnLr.rate(195), 1e-18);
    }
}
