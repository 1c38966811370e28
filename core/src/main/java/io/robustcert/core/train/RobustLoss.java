package io.robustcert.core.train;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The robust loss every certified method shares (method.md §3.4–§3.6):
 * L = (1 − κ)·RCE(β·lb_CROWN-IBP + (1 − β)·lb_IBP) + κ·CE(clean logits), the CROWN-IBP pass skipped when
 * β &lt; 1e-5 and the clean pass when κ = 0.
 */
final class RobustLoss {

    /** β below which the CROWN-IBP pass is skipped, as the repo does. */
    static final double BETA_SKIP = 1e-5;

    private RobustLoss() {
    }

    /** The box around the batch's inputs: [x − ε, x + ε] clipped to the domain. */
    static INDArray[] box(Tape tape, Batch batch, LossSettings s) {
        INDArray x = batch.inputs().castTo(tape.dataType());
        INDArray lower = x.sub(s.epsilon());
        INDArray upper = x.add(s.epsilon());
        if (s.domain().bounded()) {
            lower = Transforms.max(lower, s.domain().low(), false);
            upper = Transforms.min(upper, s.domain().high(), false);
        }
        return new INDArray[] {lower, upper};
    }

    static Var of(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings s,
                  double beta, SlopeChoice slopes) {
        CertifiedPasses passes = new CertifiedPasses(tape, model.network(), model.perLayer(parameters), batch.labels());
        INDArray[] box = box(tape, batch, s);
        CertifiedPasses.IbpPass ibp = passes.ibp(box[0], box[1]);
        Var lower = ibp.margins();
        if (beta >= BETA_SKIP) {
            Var crown = passes.crownIbp(ibp, box[0], box[1], slopes);
            lower = beta >= 1.0 ? crown : tape.mix(crown, beta, lower, 1.0 - beta);
        }
        Var robust = tape.robustCrossEntropy(lower);
        if (s.kappa() == 0) {
            return robust;
        }
        Var natural = tape.crossEntropy(passes.logits(tape.constant(batch.inputs())), batch.labels());
        return tape.mix(robust, 1.0 - s.kappa(), natural, s.kappa());
    }
}
