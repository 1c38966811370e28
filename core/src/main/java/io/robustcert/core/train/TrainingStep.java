package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import io.robustcert.core.optim.Adam;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One optimisation step: the method's loss on a float32 tape, its gradient, an Adam step. Runs in the
 * bound workspace, so every temporary of the tape is reused memory (fresh off-heap arrays cost more in page
 * faults than in arithmetic, see {@link Workspaces}); parameters and optimiser state live outside it and
 * are updated in place.
 */
public final class TrainingStep {

    private TrainingStep() {
    }

    /**
     * @param beforeUpdate sees the gradients (parallel to the parameters) before the optimiser uses them;
     *                     they are workspace memory: read them, do not keep them
     * @return the loss before the step
     */
    public static double run(TrainableModel model, Adam optimizer, TrainingMethod method, Batch batch,
                             LossSettings settings, double lr, Consumer<List<INDArray>> beforeUpdate) {
        return Workspaces.compute(() -> {
            List<INDArray> gradients = new ArrayList<>();
            double loss = lossAndGradients(model, method, model.parameters(), batch, settings, gradients);
            beforeUpdate.accept(gradients);
            optimizer.step(gradients, lr);
            return loss;
        });
    }

    /**
     * The method's loss at {@code parameters} (parallel to the model's) on a float32 tape; its gradient with
     * respect to them is appended to {@code gradientOut} when that is non-null (zeros where the loss does not
     * depend on a parameter).
     */
    public static double lossAndGradients(TrainableModel model, TrainingMethod method, List<INDArray> parameters,
                                          Batch batch, LossSettings settings, List<INDArray> gradientOut) {
        Tape tape = new Tape(DataType.FLOAT);
        List<Var> vars = TrainableModel.onTape(tape, parameters, gradientOut != null);
        Var loss = method.loss(tape, model, vars, batch, settings);
        if (gradientOut != null) {
            tape.backward(loss);
            for (Var v : vars) {
                gradientOut.add(v.grad() == null ? Nd4j.zeros(v.value().dataType(), v.shape()) : v.grad());
            }
        }
        return loss.scalar();
    }
}
