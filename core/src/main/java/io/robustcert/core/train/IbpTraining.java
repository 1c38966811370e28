package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;

/** IBP training (method.md §4): the robust loss of the IBP margins, β ≡ 0 whatever the schedule says. */
public final class IbpTraining implements TrainingMethod {

    @Override
    public String name() {
        return "ibp";
    }

    @Override
    public Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings) {
        return RobustLoss.of(tape, model, parameters, batch, settings, 0.0, null);
    }
}
