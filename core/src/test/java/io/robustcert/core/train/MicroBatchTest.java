package io.robustcert.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.io.Architecture;
import io.robustcert.core.optim.Adam;
import io.robustcert.core.perturb.InputDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A step computed slice by slice ({@code micro_batch}) is the whole batch's step: the same loss, the same
 * gradient and the same updated weights, up to float32 rounding, with slices of unequal size, for every
 * method whose loss is a function of the batch alone. The paper's method draws its random starting slopes
 * layer by layer for the samples on the tape, so slicing hands the samples other draws from the same
 * distribution: a sliced run of it is repeatable but not the unsliced run.
 */
class MicroBatchTest {

    private static LossSettings settings() {
        return new LossSettings(0.08, 0.6, 0.3, InputDomain.UNIT, new SplittableRandom(3));
    }

    private static TrainingGradientTest.Setup setup() throws Exception {
        return TrainingGradientTest.setup(TrainingGradientTest.CONV_NET, 21, 10);
    }

    private static List<INDArray> floats(List<INDArray> params) {
        return params.stream().map(p -> p.castTo(DataType.FLOAT)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"natural", "ibp", "crown-ibp", "cap"})
    void slicesGiveTheBatchsLossAndGradient(String name) throws Exception {
        TrainingGradientTest.Setup s = setup();
        TrainingMethod method = TrainingMethod.named(name);
        List<INDArray> params = floats(s.params());
        List<INDArray> whole = new ArrayList<>();
        double lossWhole = TrainingStep.lossAndGradients(s.model(), method, params, s.batch(), settings(), 0, whole);
        List<INDArray> sliced = new ArrayList<>();
        double lossSliced = TrainingStep.lossAndGradients(s.model(), method, params, s.batch(), settings(), 4, sliced);
        assertEquals(lossWhole, lossSliced, 1e-5 * Math.abs(lossWhole), name + " loss");
        assertEquals(whole.size(), sliced.size());
        double largest = 0;
        for (INDArray g : whole) {
            largest = Math.max(largest, g.amaxNumber().doubleValue());
        }
        assertTrue(largest > 0, "a gradient that is all zeros checks nothing");
        for (int k = 0; k < whole.size(); k++) {
            double diff = whole.get(k).castTo(DataType.DOUBLE).sub(sliced.get(k).castTo(DataType.DOUBLE))
                    .amaxNumber().doubleValue();
            assertTrue(diff <= 1e-5 * largest, name + " parameter " + k + ": gradients differ by " + diff
                    + " (largest entry " + largest + ")");
        }
    }

    @Test
    void theSlicedPapersMethodIsRepeatable() throws Exception {
        TrainingGradientTest.Setup s = setup();
        List<INDArray> params = floats(s.params());
        List<INDArray> first = new ArrayList<>();
        List<INDArray> second = new ArrayList<>();
        double a = TrainingStep.lossAndGradients(s.model(), TrainingMethod.named("ours"), params, s.batch(), settings(), 4, first);
        double b = TrainingStep.lossAndGradients(s.model(), TrainingMethod.named("ours"), params, s.batch(), settings(), 4, second);
        assertTrue(Double.isFinite(a) && a > 0, "loss " + a);
        assertEquals(a, b, 0.0);
        for (int k = 0; k < first.size(); k++) {
            assertEquals(first.get(k), second.get(k), "parameter " + k);
        }
    }

    @Test
    void aSlicedStepUpdatesTheWeightsAsTheWholeBatchDoes() throws Exception {
        TrainingMethod method = TrainingMethod.named("crown-ibp");
        List<List<INDArray>> after = new ArrayList<>();
        for (int micro : new int[] {0, 3}) {
            TrainingGradientTest.Setup s = setup();
            TrainableModel model = s.model();
            for (int k = 0; k < model.parameters().size(); k++) {
                model.parameters().get(k).assign(s.params().get(k));
            }
            Adam adam = Adam.withDefaults(model.parameters(), 0);
            for (int step = 0; step < 3; step++) {
                TrainingStep.run(model, adam, method, s.batch(), settings(), 1e-3, micro, g -> { });
            }
            after.add(model.parameters().stream().map(INDArray::dup).toList());
        }
        for (int k = 0; k < after.get(0).size(); k++) {
            double diff = after.get(0).get(k).sub(after.get(1).get(k)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-5, "parameter " + k + " differs by " + diff + " after three steps");
        }
    }

    @Test
    void aNegativeSliceSizeIsRefused() throws Exception {
        TrainingGradientTest.Setup s = setup();
        assertThrows(IllegalArgumentException.class, () -> TrainingStep.lossAndGradients(s.model(),
                TrainingMethod.named("ibp"), floats(s.params()), s.batch(), settings(), -1, new ArrayList<>()));
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.of(null, List.of(java.util.Map.of("micro_batch", "-2"))));
    }
}
