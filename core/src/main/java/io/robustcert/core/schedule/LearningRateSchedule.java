package io.robustcert.core.schedule;

import java.util.Arrays;

/** The learning rate of each epoch (method.md §8), a pure function of the epoch. */
public sealed interface LearningRateSchedule permits LearningRateSchedule.MultiStep, LearningRateSchedule.StepDecay {

    double rate(long epoch);

    /** lr₀·γ^(number of milestones ≤ epoch): MNIST's ×0.1 at epochs 130 and 190. */
    record MultiStep(double initial, long[] milestones, double gamma) implements LearningRateSchedule {

        public MultiStep {
            if (!(initial > 0) || !(gamma > 0) || milestones == null) {
                throw new IllegalArgumentException("multi-step schedule needs lr > 0, gamma > 0 and milestones");
            }
            milestones = milestones.clone();
            Arrays.sort(milestones);
        }

        @Override
        public double rate(long epoch) {
            double lr = initial;
            for (long m : milestones) {
                if (epoch >= m) {
                    lr *= gamma;
                }
            }
            return lr;
        }

        @Override
        public long[] milestones() {
            return milestones.clone();
        }
    }

    /**
     * lr₀·factor^⌊max(T − (start + length − 1), 0)/every⌋: CIFAR's and SVHN's halving every 10 epochs,
     * counted from the end of the ε ramp.
     */
    record StepDecay(double initial, long rampStart, long rampLength, long every, double factor) implements LearningRateSchedule {

        public StepDecay {
            if (!(initial > 0) || !(factor > 0) || every < 1 || rampStart < 0 || rampLength < 1) {
                throw new IllegalArgumentException("step decay needs lr > 0, factor > 0, every ≥ 1 and a valid ramp");
            }
        }

        @Override
        public double rate(long epoch) {
            long after = Math.max(epoch - (rampStart + rampLength - 1), 0);
            return initial * Math.pow(factor, after / every);
        }
    }
}
