package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;

/** Ordinary training: the cross-entropy of the clean logits. */
public final class NaturalTraining implements TrainingMethod {

    @Override
    public String name() {
        return "natural";
    }

    @Override
    public Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings) {
        CertifiedPasses passes = new CertifiedPasses(tape, model.network(), model.perLayer(parameters), batch.labels());
        return tape.crossEntropy(passes.logits(tape.constant(batch.inputs())), batch.labels());
    }
}
