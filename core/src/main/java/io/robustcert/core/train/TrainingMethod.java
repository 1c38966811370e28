package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;

/**
 * A certified-training method: the loss it minimises on a batch, built on a tape so that the trainer can
 * differentiate it with respect to the parameters.
 */
public interface TrainingMethod {

    /** The method's name in configurations, checkpoints and results. */
    String name();

    /**
     * The loss at the given parameters.
     *
     * @param parameters tape values of the model's parameters, parallel to {@link TrainableModel#parameters()}
     */
    Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings);

    /** The method by its name: natural, ibp, crown-ibp, cap, ours. */
    static TrainingMethod named(String name) {
        return switch (name) {
            case "natural" -> new NaturalTraining();
            case "ibp" -> new IbpTraining();
            case "crown-ibp" -> new CrownIbpTraining();
            case "cap" -> new CapTraining();
            case "ours" -> new GradientSlopeTraining();
            default -> throw new IllegalArgumentException("unknown training method '" + name
                    + "' (expected natural, ibp, crown-ibp, cap or ours)");
        };
    }
}
