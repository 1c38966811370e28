package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The paper's method (method.md §6): random lower slopes a⁰ ~ U[0,1) per example and neuron, the gradient
 * of the robust loss with respect to them (weights held constant), one signed step of size 2 clipped to
 * [0, 1], then the loss again with the resulting slopes a¹ as constants: that second loss is the one the
 * weights are trained on. No straight-through estimator: a¹ carries no gradient.
 */
public final class GradientSlopeTraining implements TrainingMethod {

    /** The signed step's size: 2 makes every slope with a non-zero gradient 0 or 1. */
    static final double STEP = 2.0;

    @Override
    public String name() {
        return "ours";
    }

    @Override
    public Var loss(Tape tape, TrainableModel model, List<Var> parameters, Batch batch, LossSettings settings) {
        if (settings.beta() < RobustLoss.BETA_SKIP) {
            return RobustLoss.of(tape, model, parameters, batch, settings, settings.beta(), null);
        }
        List<INDArray> values = new ArrayList<>();
        for (Var p : parameters) {
            values.add(p.value());
        }
        List<INDArray> slopes = chooseSlopes(model, values, batch, settings, tape.dataType());
        return RobustLoss.of(tape, model, parameters, batch, settings, settings.beta(), TrainingSlopes.given(slopes));
    }

    /**
     * a¹ = clip(a⁰ − 2·sign(∂L(a⁰)/∂a⁰), 0, 1) per ReLU ordinal, {@code [B, n]} each. Where the gradient is
     * exactly 0 the draw a⁰ stays; stable neurons are re-masked where the slopes are used.
     */
    public static List<INDArray> chooseSlopes(TrainableModel model, List<INDArray> parameters, Batch batch,
                                              LossSettings settings, org.nd4j.linalg.api.buffer.DataType type) {
        Tape probe = new Tape(type);
        TrainingSlopes.RandomLeaves leaves = new TrainingSlopes.RandomLeaves(settings.random());
        Var loss = RobustLoss.of(probe, model, TrainableModel.onTape(probe, parameters, false), batch, settings,
                settings.beta(), leaves);
        probe.backward(loss);
        List<INDArray> chosen = new ArrayList<>();
        for (Var a : leaves.drawn()) {
            INDArray g = a.grad() == null ? a.value().mul(0) : a.grad();
            INDArray stepped = a.value().sub(Transforms.sign(g, true).muli(STEP));
            chosen.add(Transforms.min(Transforms.max(stepped, 0.0, false), 1.0, false));
        }
        return chosen;
    }
}
