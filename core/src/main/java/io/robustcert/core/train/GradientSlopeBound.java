package io.robustcert.core.train;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.data.Batch;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.ExplicitSlopes;
import io.robustcert.core.tensor.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CROWN-IBP with the paper's slopes as a certification bound (method.md §6, "the same procedure at test
 * time"): random slopes, one signed step on the robust loss of the example's own label, then the bound
 * with those slopes. Choosing the slopes is plain float64 arithmetic and may use the label; the bound
 * itself is {@link CrownIbp} with {@link ExplicitSlopes}, sound in sound mode for any slopes in [0, 1],
 * so the choice cannot make a certificate wrong, only looser or tighter.
 *
 * <p>Repeatable: the draws come from the seed, so the same seed and the same batches give the same result.
 */
public final class GradientSlopeBound implements BoundMethod {

    private final long seed;

    public GradientSlopeBound(long seed) {
        this.seed = seed;
    }

    @Override
    public String label() {
        return "crown-ibp-ours";
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        TrainableModel model = TrainableModel.of(network);
        INDArray x = network.batched(inputs).castTo(DataType.DOUBLE);
        LossSettings settings = new LossSettings(ball.epsilon(), 1.0, 0.0, ball.domain(), new SplittableRandom(seed));
        List<INDArray> slopes = GradientSlopeTraining.chooseSlopes(model, model.parameters(),
                new Batch(x, labels, new int[labels.length]), settings, DataType.DOUBLE);
        return new CrownIbp(new ExplicitSlopes(slopes)).compute(network, inputs, labels, ball, precision).withMethod(label());
    }
}
