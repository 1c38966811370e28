package io.robustcert.core.train;

import java.util.List;

/**
 * What one epoch measured. Errors are fractions of the evaluation subset; the verified errors are fast-mode
 * (float32) IBP and CROWN-IBP bounds at the evaluation ε of that epoch, a training diagnostic rather than a
 * certificate (certification runs in sound mode).
 */
public record EpochMetrics(int epoch, double epsilon, double evalEpsilon, double learningRate, double beta, double kappa,
                           double meanLoss, double cleanError, double ibpVerifiedError, double crownIbpVerifiedError,
                           double seconds, double imagesPerSecond, List<SmoothnessProbe.Measures> smoothness) {
}
