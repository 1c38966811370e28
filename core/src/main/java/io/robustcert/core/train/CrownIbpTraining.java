package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;

/** CROWN-IBP (Zhang et al.): the β-mix of CROWN-IBP with the adaptive lower slopes and IBP (method.md §3). */
public final class CrownIbpTraining implements TrainingMethod {

    @Override
    public String name() {
        return "crown-ibp";
    }

    @Override
    public Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings) {
        return RobustLoss.of(tape, model, parameters, batch, settings, settings.beta(), TrainingSlopes.adaptive());
    }
}
