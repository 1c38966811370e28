package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sound verdicts for less: a method's float32 bounds first, its sound (float64, outward-rounded) bounds
 * only for the examples the float32 pass does not clearly fail.
 *
 * <p>Why it is sound: the screen only ever withholds a certificate. An example it drops is reported
 * not verified, with −∞ as its margin bounds (a true lower bound of anything); every certificate still
 * comes from the sound computation. Why it loses nothing in practice: an example is dropped only when
 * its lowest float32 margin bound is below −({@value #ABSOLUTE_SLACK} + {@value #RELATIVE_SLACK}·|bound|),
 * so its sound bound could be positive only if float32 rounding had moved the bound by more than that;
 * measured on trained and naturally trained MNIST models at ε 0.01–0.4, the two differ by at most 4·10⁻⁴
 * absolute and 3·10⁻⁵ relative (FloatScreenTest checks that verdicts with and without the screen agree).
 * The sound pass costs 5–10 times the float32 one, and on a model that is not robust at ε nearly every
 * example is dropped.
 *
 * <p>Only methods whose bounds are {@link BoundMethod#perExample() per example} are screened (the kept
 * examples are bounded as a smaller batch); others, and fast-mode calls, run unchanged.
 */
public final class FloatScreen implements BoundMethod {

    static final double ABSOLUTE_SLACK = 0.05;
    static final double RELATIVE_SLACK = 0.01;

    private final BoundMethod method;

    private FloatScreen(BoundMethod method) {
        this.method = method;
    }

    /** The method behind a float32 screen, or the method itself if its bounds are not per example. */
    public static BoundMethod of(BoundMethod method) {
        if (method instanceof FloatScreen || !method.perExample()) {
            return method;
        }
        return new FloatScreen(method);
    }

    @Override
    public String label() {
        return method.label();
    }

    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        if (!precision.sound()) {
            return method.compute(network, inputs, labels, ball, precision);
        }
        return screened(List.of(method.label()), (rows, rowLabels, p) -> List.of(method.compute(network, rows, rowLabels, ball, p)),
                network, inputs, labels, ball, precision).get(0);
    }

    /** The bounds of a group of per-example methods over some examples, one result per method in the group's order. */
    @FunctionalInterface
    interface GroupBounds {
        List<MarginBounds> compute(INDArray inputs, int[] labels, Precision precision);
    }

    /**
     * Sound bounds of a group of per-example methods ({@code methodLabels}, in the order {@code bounds} returns
     * them; a single method is a group of one) behind one float32 screen: the group's float32 bounds first,
     * then its sound bounds for the examples that at least one method of the group does not clearly fail
     * (the whole batch when none is dropped); every dropped example gets −∞ and no certificate.
     */
    static List<MarginBounds> screened(List<String> methodLabels, GroupBounds bounds, Network network, INDArray inputs,
                                       int[] labels, LinfBall ball, Precision precision) {
        int b = labels.length;
        boolean[] keep = new boolean[b];
        Workspaces.screen(() -> {
            for (MarginBounds fast : bounds.compute(inputs, labels, Precision.FAST)) {
                double[][] lower = fast.lowerMatrix();
                for (int i = 0; i < b; i++) {
                    keep[i] |= !clearlyFails(lower[i]);
                }
            }
            return null;
        });
        int[] kept = IntStream.range(0, b).filter(i -> keep[i]).toArray();
        if (kept.length == b) {
            return bounds.compute(inputs, labels, precision);
        }
        List<MarginBounds> sound = kept.length == 0 ? null : bounds.compute(rows(inputs, kept), labels(labels, kept), precision);
        List<MarginBounds> results = new ArrayList<>(methodLabels.size());
        for (int m = 0; m < methodLabels.size(); m++) {
            results.add(spread(methodLabels.get(m), network, labels, kept, sound == null ? null : sound.get(m), ball, precision));
        }
        return results;
    }

    /** The examples {@code kept} of a batch, as rows. */
    private static INDArray rows(INDArray inputs, int[] kept) {
        return inputs.reshape('c', inputs.size(0), inputs.length() / inputs.size(0)).getRows(kept);
    }

    private static int[] labels(int[] labels, int[] kept) {
        return Arrays.stream(kept).map(i -> labels[i]).toArray();
    }

    /**
     * The bounds of a whole batch from those of its kept examples ({@code sound}, row k for example
     * {@code kept[k]}; null when none is kept): −∞ and not verified for every dropped example.
     */
    private static MarginBounds spread(String label, Network network, int[] labels, int[] kept, MarginBounds sound, LinfBall ball,
                               Precision precision) {
        int margins = network.numClasses() - 1;
        INDArray lower = Nd4j.valueArrayOf(new long[] {labels.length, margins}, Double.NEGATIVE_INFINITY, DataType.DOUBLE);
        boolean[] verified = new boolean[labels.length];
        if (sound != null) {
            INDArray soundLower = sound.lower().castTo(DataType.DOUBLE);
            for (int k = 0; k < kept.length; k++) {
                lower.putRow(kept[k], soundLower.getRow(k));
                verified[kept[k]] = sound.verified(k);
            }
        }
        return new MarginBounds(label, precision, ball.epsilon(), lower, verified, labels.clone());
    }

    /** The lowest float32 margin bound is negative by more than rounding could explain. */
    static boolean clearlyFails(double[] fastLower) {
        double lowest = Arrays.stream(fastLower).min().orElse(Double.POSITIVE_INFINITY);
        return lowest < -(ABSOLUTE_SLACK + RELATIVE_SLACK * Math.abs(lowest));
    }
}
