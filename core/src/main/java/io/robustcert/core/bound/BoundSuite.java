package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bound methods of one evaluation, run together over each batch for verdicts. Methods that start from
 * the layers' IBP intervals and bound each example on its own ({@link Ibp}, {@link CrownIbp} with a fixed
 * slope rule) share one interval pass: the intervals are the same for all of them, and in sound mode they
 * are a large part of each method's cost. Each is screened as {@link FloatScreen} does (a float32 pass
 * first; the sound pass for the examples at least one of them does not clearly fail); every other method
 * runs on its own, screened where it is per example.
 *
 * <p>Why the shared pass changes no verdict: for per-example methods an example's bounds depend on that
 * example alone, so bounding the union of the kept examples gives each method, on the examples it keeps
 * itself, the bounds it would compute alone; on the extra examples of the union it gives sound bounds too,
 * where alone it would have reported −∞. Either way every certificate comes from a sound computation.
 */
public final class BoundSuite {

    private final List<BoundMethod> methods;

    private BoundSuite(List<BoundMethod> methods) {
        this.methods = List.copyOf(methods);
    }

    public static BoundSuite of(List<BoundMethod> methods) {
        if (methods == null) {
            throw new IllegalArgumentException("bound methods missing (an empty list runs none)");
        }
        return new BoundSuite(methods);
    }

    /** The methods' bounds over one batch, in the order given, each labelled as its method. */
    public List<MarginBounds> compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        List<Integer> shared = IntStream.range(0, methods.size()).filter(k -> sharesIntervals(methods.get(k))).boxed().toList();
        List<MarginBounds> results = new ArrayList<>(methods.size());
        List<MarginBounds> together = shared.size() > 1
                ? together(shared.stream().map(k -> (IntervalMethod) methods.get(k)).toList(), network, inputs, labels,
                        ball, precision)
                : List.of();
        for (int k = 0; k < methods.size(); k++) {
            int at = shared.size() > 1 ? shared.indexOf(k) : -1;
            results.add(at >= 0 ? together.get(at)
                    : FloatScreen.of(methods.get(k)).compute(network, inputs, labels, ball, precision));
        }
        return results;
    }

    private static boolean sharesIntervals(BoundMethod method) {
        return method instanceof IntervalMethod && method.perExample();
    }

    /** Several interval methods over one interval pass (two in sound mode: float32 screen, sound bounds). */
    private static List<MarginBounds> together(List<IntervalMethod> group, Network network, INDArray inputs, int[] labels,
                                               LinfBall ball, Precision precision) {
        FloatScreen.GroupBounds bounds = (rows, rowLabels, p) -> Workspaces.compute(() -> bound(group, network, rows, rowLabels, ball, p));
        if (!precision.sound()) {
            return bounds.compute(inputs, labels, precision);
        }
        return FloatScreen.screened(group.stream().map(BoundMethod::label).toList(), bounds, network, inputs, labels, ball,
                precision);
    }

    /** Every method of the group from one batch's intervals. */
    private static List<MarginBounds> bound(List<IntervalMethod> group, Network network, INDArray inputs, int[] labels,
                                            LinfBall ball, Precision precision) {
        BoundPropagation.Batch batch = BoundPropagation.batch(network, inputs, labels, ball, precision);
        List<IntervalBounds> intervals = batch.intervals();
        List<MarginBounds> results = new ArrayList<>(group.size());
        for (IntervalMethod m : group) {
            results.add(batch.result(m.label(), m.marginLower(network, labels, intervals, precision)));
        }
        return results;
    }
}
