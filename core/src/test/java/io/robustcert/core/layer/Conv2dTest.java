package io.robustcert.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ReferenceNetwork;
import io.robustcert.core.testing.TestNetworks;
import io.robustcert.core.model.Network;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Both convolution paths against a loop-by-loop reference, and the adjoint identity ⟨Λ, conv x⟩ = ⟨adjᵀΛ, x⟩. */
class Conv2dTest {

    @ParameterizedTest(name = "k{0} s{1} p{2} on {3}x{3}")
    @CsvSource({"3,1,1,28", "4,2,1,28", "3,2,1,28", "3,2,1,9", "2,3,0,8", "5,2,2,7"})
    void adjointAndForwardAgreeWithTheReference(int k, int s, int p, int size) {
        Network net = new TestNetworks.Builder(k * 100 + s * 10 + p, 3, size, size).conv(4, k, s, p).flatten().linear(2).build();
        Conv2d conv = (Conv2d) net.layer(0);
        ReferenceNetwork reference = new ReferenceNetwork(Network.sequential(conv.inputShape(), List.of(conv, new Flatten(conv.outputShape()),
                new Linear(new long[] {Layer.elements(conv.outputShape())}, Nd4j.eye(Layer.elements(conv.outputShape()))
                        .castTo(DataType.DOUBLE), Nd4j.zeros(DataType.DOUBLE, Layer.elements(conv.outputShape()))))));
        double[][] x = TestNetworks.inputs(k + s + p, 2, Layer.elements(conv.inputShape()));
        for (Precision precision : Precision.values()) {
            INDArray in = Nd4j.createFromArray(x).castTo(precision.dataType()).reshape(2, 3, size, size);
            INDArray out = conv.forward(in, precision).reshape(2, Layer.elements(conv.outputShape()));
            for (int b = 0; b < 2; b++) {
                double[] expected = reference.forwardWithError(x[b])[0];
                double[] got = out.getRow(b).castTo(DataType.DOUBLE).dup().data().asDouble();
                double tol = precision.sound() ? 1e-12 : 1e-5;
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], got[i], tol, precision + " output " + i);
                }
            }
            INDArray lambda = Nd4j.rand(precision.dataType(), 5, Layer.elements(conv.outputShape())).subi(0.5);
            INDArray adjoint = conv.adjoint(lambda, conv.weight(AffineLayer.WeightForm.PLAIN, precision), precision);
            assertArrayEquals(new long[] {5, 3, size, size}, adjoint.shape());
            INDArray probe = Nd4j.rand(precision.dataType(), 5, 3, size, size);
            INDArray image = conv.apply(probe, conv.weight(AffineLayer.WeightForm.PLAIN, precision), null, precision)
                    .reshape(5, Layer.elements(conv.outputShape()));
            for (int r = 0; r < 5; r++) {
                double left = lambda.getRow(r).mul(image.getRow(r)).sumNumber().doubleValue();
                double right = adjoint.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r)).mul(
                        probe.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r))).sumNumber().doubleValue();
                assertEquals(left, right, (precision.sound() ? 1e-10 : 1e-3) * (1 + Math.abs(left)), precision + " row " + r);
            }
        }
    }
}
