package io.robustcert.core.autodiff;

import io.robustcert.core.loss.RobustCrossEntropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Reverse-mode differentiation over ND4J tensors: each operation computes its value at once and, when
 * one of its inputs depends on a parameter, records how to send its output's gradient back to them.
 * {@link #backward} replays those records newest first.
 *
 * <p>Why not SameDiff: its convolution gradients fail with PyTorch's weight layout and a training step
 * measured 6-10x slower than PyTorch here (shared notes); these rules are the handful the certified
 * losses need, each a few ND4J calls. Layers add their own operations through {@link #custom}.
 *
 * <p>Shapes are the caller's business: operations check only what a mistake would silently break.
 */
public final class Tape {

    /** Gradients of a custom operation's inputs from its output gradient; null where not {@code needed}. */
    @FunctionalInterface
    public interface Rule {
        INDArray[] gradients(INDArray outputGradient, boolean[] needed);
    }

    private record Step(Var output, Var[] inputs, Rule rule) {
    }

    private final DataType dataType;
    private final List<Step> steps = new ArrayList<>();

    /** @param dataType float32 for training, float64 for gradient checks */
    public Tape(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** A value no gradient flows to. */
    public Var constant(INDArray value) {
        return new Var(cast(value), false);
    }

    /** A leaf whose gradient {@link #backward} computes. */
    public Var parameter(INDArray value) {
        return new Var(cast(value), true);
    }

    public Var scalarConstant(double value) {
        return constant(Nd4j.createFromArray(new double[] {value}));
    }

    private INDArray cast(INDArray v) {
        return v.dataType() == dataType ? v : v.castTo(dataType);
    }

    /** Records an operation whose gradients {@code rule} gives; layers use it for their own maps. */
    public Var custom(INDArray value, Rule rule, Var... inputs) {
        boolean tracked = false;
        for (Var in : inputs) {
            tracked |= in != null && in.tracked();
        }
        Var out = new Var(value, tracked);
        if (tracked) {
            steps.add(new Step(out, inputs, rule));
        }
        return out;
    }

    /**
     * Gradients of the scalar {@code loss} (a one-element value) with respect to every tracked value on
     * this tape, readable through {@link Var#grad()} afterwards. A tape is differentiated once.
     */
    public void backward(Var loss) {
        if (loss.value().length() != 1) {
            throw new IllegalArgumentException("backward needs a scalar, got shape " + Arrays.toString(loss.shape()));
        }
        loss.accumulate(Nd4j.onesLike(loss.value()));
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            if (s.output().grad == null) {
                continue;
            }
            boolean[] needed = new boolean[s.inputs().length];
            for (int k = 0; k < needed.length; k++) {
                needed[k] = s.inputs()[k] != null && s.inputs()[k].tracked();
            }
            INDArray[] grads = s.rule().gradients(s.output().grad, needed);
            for (int k = 0; k < needed.length; k++) {
                if (needed[k] && grads[k] != null) {
                    s.inputs()[k].accumulate(grads[k]);
                }
            }
        }
        steps.clear();
    }

    // ---- element-wise (same shapes) ----

    public Var add(Var a, Var b) {
        return custom(a.value().add(b.value()), (g, n) -> new INDArray[] {g, g}, a, b);
    }

    public Var sub(Var a, Var b) {
        return custom(a.value().sub(b.value()), (g, n) -> new INDArray[] {g, n[1] ? g.neg() : null}, a, b);
    }

    public Var mul(Var a, Var b) {
        return custom(a.value().mul(b.value()), (g, n) -> new INDArray[] {
            n[0] ? g.mul(b.value()) : null, n[1] ? g.mul(a.value()) : null}, a, b);
    }

    public Var div(Var a, Var b) {
        INDArray q = a.value().div(b.value());
        return custom(q, (g, n) -> new INDArray[] {
            n[0] ? g.div(b.value()) : null, n[1] ? g.mul(q).divi(b.value()).negi() : null}, a, b);
    }

    /** s·a. */
    public Var scale(Var a, double s) {
        return custom(a.value().mul(s), (g, n) -> new INDArray[] {g.mul(s)}, a);
    }

    /** a + s. */
    public Var shift(Var a, double s) {
        return custom(a.value().add(s), (g, n) -> new INDArray[] {g}, a);
    }

    /** |a|; the derivative at 0 is taken as 0. */
    public Var abs(Var a) {
        return custom(Transforms.abs(a.value(), true), (g, n) -> new INDArray[] {g.mul(Transforms.sign(a.value(), true))}, a);
    }

    /** max(a, 0); the derivative at 0 is taken as 0, as PyTorch does. */
    public Var positivePart(Var a) {
        return custom(Transforms.max(a.value(), 0.0, true),
                (g, n) -> new INDArray[] {Transforms.step(a.value(), true).muli(g)}, a);
    }

    /** min(a, 0). */
    public Var negativePart(Var a) {
        return custom(Transforms.min(a.value(), 0.0, true),
                (g, n) -> new INDArray[] {Transforms.step(a.value().neg(), false).muli(g)}, a);
    }

    /** max(a, b) element-wise; ties send the gradient to a. */
    public Var maximum(Var a, Var b) {
        INDArray takeB = a.value().lt(b.value()).castTo(dataType);
        return custom(Transforms.max(a.value(), b.value(), true), (g, n) -> new INDArray[] {
            n[0] ? g.mul(takeB.rsub(1.0)) : null, n[1] ? g.mul(takeB) : null}, a, b);
    }

    public Var reshape(Var a, long... shape) {
        long[] original = a.shape();
        return custom(a.value().reshape('c', shape), (g, n) -> new INDArray[] {g.reshape('c', original)}, a);
    }

    // ---- grouped rows: x viewed as [G, R, n], one weight row w [G, n] per group ----


    /** Σ_k x[g, r, k]·w[g, k]: shape {@code [G·R]}. */
    public Var rowDot(Var x, Var w, long groups) {
        INDArray x3 = grouped(x.value(), groups, w.value().length() / groups);
        INDArray w3 = w.value().reshape('c', groups, x3.size(2), 1);
        INDArray value = Nd4j.matmul(x3, w3).reshape('c', new long[] {x3.size(0) * x3.size(1)});
        return custom(value, (g, n) -> {
            INDArray g3 = g.reshape('c', x3.size(0), x3.size(1), 1);
            INDArray dx = n[0] ? Nd4j.matmul(g3, w3.reshape('c', groups, 1, x3.size(2))) : null;
            INDArray dw = n[1] ? Nd4j.matmul(g3, x3, true, false, false) : null;
            return new INDArray[] {dx, dw};
        }, x, w);
    }

    private static INDArray grouped(INDArray x, long groups, long width) {
        if (x.length() % (groups * width) != 0) {
            throw new IllegalArgumentException("cannot view " + Arrays.toString(x.shape()) + " as " + groups
                    + " groups of rows of width " + width);
        }
        return x.reshape('c', groups, x.length() / (groups * width), width);
    }

    // ---- matrix products ----

    /** x·Wᵀ + b for x {@code [N, in]}, W {@code [out, in]}, b {@code [out]} or null. */
    public Var linear(Var x, Var w, Var b) {
        INDArray xv = x.value();
        INDArray wv = w.value();
        INDArray y = Nd4j.createUninitialized(dataType, xv.size(0), wv.size(0));
        Nd4j.gemm(xv, wv, y, false, true, 1.0, 0.0);
        if (b != null) {
            y.addiRowVector(b.value());
        }
        return custom(y, (g, n) -> new INDArray[] {
            n[0] ? gemm(g, wv, false, false) : null,
            n[1] ? gemm(g, xv, true, false) : null,
            b != null && n[2] ? g.sum(0) : null}, x, w, b);
    }

    /** a·b for a {@code [N, k]}, b {@code [k, m]}. */
    public Var matmul(Var a, Var b) {
        INDArray av = a.value();
        INDArray bv = b.value();
        return custom(gemm(av, bv, false, false), (g, n) -> new INDArray[] {
            n[0] ? gemm(g, bv, false, true) : null, n[1] ? gemm(av, g, true, false) : null}, a, b);
    }

    private INDArray gemm(INDArray a, INDArray b, boolean ta, boolean tb) {
        long rows = ta ? a.size(1) : a.size(0);
        long cols = tb ? b.size(0) : b.size(1);
        INDArray out = Nd4j.createUninitialized(dataType, rows, cols);
        Nd4j.gemm(plain(a), plain(b), out, ta, tb, 1.0, 0.0);
        return out;
    }

    /** The array itself when it is a dense row-major buffer of its own, else a copy that is. */
    private static INDArray plain(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }

    // ---- indexing ----

    /** out[i, r] = m[i, columns[i][r]]: shape {@code [B, R]}. */
    public Var gatherColumns(Var m, int[][] columns) {
        INDArray mv = m.value();
        int rows = columns.length;
        int width = columns[0].length;
        INDArray out = Nd4j.create(dataType, rows, width);
        for (int i = 0; i < rows; i++) {
            for (int r = 0; r < width; r++) {
                out.putScalar(i, r, mv.getDouble(i, columns[i][r]));
            }
        }
        return custom(out, (g, n) -> {
            INDArray dm = Nd4j.zeros(dataType, mv.shape());
            for (int i = 0; i < rows; i++) {
                for (int r = 0; r < width; r++) {
                    dm.putScalar(i, columns[i][r], dm.getDouble(i, columns[i][r]) + g.getDouble(i, r));
                }
            }
            return new INDArray[] {dm};
        }, m);
    }

    /** out[i, :] = m[rows[i], :] for m {@code [P, n]}: shape {@code [rows.length, n]}. */
    public Var gatherRows(Var m, int[] rows) {
        INDArray mv = m.value();
        INDArray out = mv.getRows(rows).dup('c');
        return custom(out, (g, n) -> {
            INDArray dm = Nd4j.zeros(dataType, mv.shape());
            for (int i = 0; i < rows.length; i++) {
                dm.getRow(rows[i]).addi(g.getRow(i));
            }
            return new INDArray[] {dm};
        }, m);
    }

    // ---- losses (scalars) ----

    /** Robust cross-entropy of margin lower bounds {@code [B, K−1]} (method.md §3.5), batch mean. */
    public Var robustCrossEntropy(Var lower) {
        RobustCrossEntropy.ValueAndGradient vg = RobustCrossEntropy.robust(lower.value());
        return custom(scalar(vg.value()), (g, n) -> new INDArray[] {vg.gradient().mul(g.getDouble(0))}, lower);
    }

    /** Softmax cross-entropy of logits {@code [B, K]} with the labels, batch mean. */
    public Var crossEntropy(Var logits, int[] labels) {
        RobustCrossEntropy.ValueAndGradient vg = RobustCrossEntropy.natural(logits.value(), labels);
        return custom(scalar(vg.value()), (g, n) -> new INDArray[] {vg.gradient().mul(g.getDouble(0))}, logits);
    }

    /** wa·a + wb·b for two values of one shape (losses, bounds). */
    public Var mix(Var a, double wa, Var b, double wb) {
        return add(scale(a, wa), scale(b, wb));
    }

    private INDArray scalar(double v) {
        return Nd4j.createFromArray(new double[] {v}).castTo(dataType);
    }
}
