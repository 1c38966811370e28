package io.robustcert.core.train;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The lower-slope choices of the training methods (method.md §3.1, §5, §6). */
final class TrainingSlopes {

    private TrainingSlopes() {
    }

    /** CROWN-IBP's adaptive rule: a = 1 where d &gt; 0.5, else 0 (a constant). */
    static SlopeChoice adaptive() {
        return (tape, index, l, u, d) -> tape.constant(d.value().gt(0.5).castTo(tape.dataType()));
    }

    /** CAP's same-slope rule: a = d, a function of the weights through l and u. */
    static SlopeChoice same() {
        return (tape, index, l, u, d) -> d;
    }

    /** Given slopes per ReLU ordinal, as constants. */
    static SlopeChoice given(List<INDArray> slopes) {
        return (tape, index, l, u, d) -> tape.constant(slopes.get(index));
    }

    /**
     * Fresh uniform [0, 1) slopes, drawn when a ReLU layer first asks, kept as tracked tape values so the
     * loss can be differentiated with respect to them; {@link #drawn()} lists them by ReLU ordinal.
     */
    static final class RandomLeaves implements SlopeChoice {
        private final SplittableRandom random;
        private final List<Var> drawn = new ArrayList<>();

        RandomLeaves(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public Var lowerSlopes(Tape tape, int index, Var l, Var u, Var d) {
            double[] values = new double[(int) l.value().length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble();
            }
            Var a = tape.parameter(Nd4j.createFromArray(values).reshape('c', l.shape()));
            while (drawn.size() <= index) {
                drawn.add(null);
            }
            drawn.set(index, a);
            return a;
        }

        List<Var> drawn() {
            return drawn;
        }
    }
}
