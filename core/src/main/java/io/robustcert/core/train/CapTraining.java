package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;

/**
 * CAP as the paper's code realises it (method.md §5): the CROWN-IBP pass with the same-slope relaxation,
 * lower slope = upper slope d on every unstable neuron, over IBP intermediate bounds.
 */
public final class CapTraining implements TrainingMethod {

    @Override
    public String name() {
        return "cap";
    }

    @Override
    public Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings) {
        return RobustLoss.of(tape, model, parameters, batch, settings, settings.beta(), TrainingSlopes.same());
    }
}
