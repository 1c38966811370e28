package io.robustcert.core.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam as PyTorch defines it (torch.optim.Adam), including its coupled weight decay (the decay is
 * added to the gradient, not applied to the weights separately as AdamW does). Parameters are updated
 * in place; the state (step count and both moments) can be saved and restored with a checkpoint.
 */
public final class Adam {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<INDArray> parameters;
    private final List<INDArray> firstMoments = new ArrayList<>();
    private final List<INDArray> secondMoments = new ArrayList<>();
    private long steps;

    public Adam(List<INDArray> parameters, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam needs 0 ≤ β₁, β₂ < 1, ε > 0 and weight decay ≥ 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.parameters = List.copyOf(parameters);
        for (INDArray p : parameters) {
            firstMoments.add(Nd4j.zerosLike(p));
            secondMoments.add(Nd4j.zerosLike(p));
        }
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8. */
    public static Adam withDefaults(List<INDArray> parameters, double weightDecay) {
        return new Adam(parameters, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** One step with the given learning rate; gradients in the same order and shapes as the parameters. */
    public void step(List<INDArray> gradients, double learningRate) {
        if (gradients.size() != parameters.size()) {
            throw new IllegalArgumentException(gradients.size() + " gradients for " + parameters.size() + " parameters");
        }
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        for (int i = 0; i < parameters.size(); i++) {
            INDArray p = parameters.get(i);
            INDArray g = gradients.get(i);
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            // The same arithmetic as before, in place with one temporary: this runs once per step over every
            // parameter and its temporaries used to cost as much as a small model's backward pass.
            INDArray m = firstMoments.get(i).muli(beta1);
            Nd4j.getBlasWrapper().level1().axpy(m.length(), 1 - beta1, g, m);
            INDArray t = g.mul(g);
            INDArray v = secondMoments.get(i).muli(beta2);
            Nd4j.getBlasWrapper().level1().axpy(v.length(), 1 - beta2, t, v);
            // p -= lr · (m / c₁) / (sqrt(v / c₂) + ε), as torch computes it.
            Transforms.sqrt(t.assign(v).divi(correction2), false).addi(epsilon);
            p.subi(t.rdivi(m.div(correction1)).muli(learningRate));
        }
    }

    public long steps() {
        return steps;
    }

    public List<INDArray> firstMoments() {
        return firstMoments;
    }

    public List<INDArray> secondMoments() {
        return secondMoments;
    }

    /** Restores the state saved from a checkpoint (step count and both moments, same shapes). */
    public void restore(long savedSteps, List<INDArray> first, List<INDArray> second) {
        if (first.size() != parameters.size() || second.size() != parameters.size() || savedSteps < 0) {
            throw new IllegalArgumentException("optimizer state does not match the parameters");
        }
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).assign(first.get(i));
            secondMoments.get(i).assign(second.get(i));
        }
        steps = savedSteps;
    }
}
