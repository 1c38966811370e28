package io.robustcert.cli;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.model.Network;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code certify} and {@code attack} share: the model, the data, ε and the attack. Every
 * value is checked before any file is read ({@link #attack()}), then {@link #load()} reads the files.
 */
final class EvaluationOptions {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "Model in safetensors format (architecture in its metadata, or --arch), or an ONNX file (*.onnx).")
    Path model;

    @Option(names = "--arch", paramLabel = "FILE", description = "Architecture JSON, when the model file has none.")
    Path arch;

    @Option(names = "--data", required = true, paramLabel = "NAME:SPLIT[:N]",
            description = "Dataset split and optionally its first N examples, e.g. mnist:test:1000.")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Dataset root holding mnist/ etc. (default: $ROBUSTCERT_DATA_DIR, else ~/.robustcert/data).")
    Path dataDir;

    @Option(names = "--eps", required = true, paramLabel = "E", description = "Radius of the L-infinity ball (>= 0).")
    double eps;

    @Option(names = "--attack", defaultValue = "default", paramLabel = "default|spec|fgsm",
            description = "Attack preset: default (100 steps, random start, 5 restarts, margin loss), spec "
                    + "(method.md 10.2: 100 steps of eps/4, clean start, 1 restart, cross-entropy) or fgsm "
                    + "(default: ${DEFAULT-VALUE}). The options below override it.")
    String preset;

    @Option(names = "--steps", paramLabel = "N", description = "PGD steps per restart.")
    Integer steps;

    @Option(names = "--step-size", paramLabel = "A", description = "PGD step size (L-infinity length of a step).")
    Double stepSize;

    @Option(names = "--restarts", paramLabel = "R", description = "Independent PGD runs (best per sample kept).")
    Integer restarts;

    @Option(names = "--loss", paramLabel = "ce|margin", description = "Loss the attack ascends.")
    String loss;

    @Option(names = "--random-start", paramLabel = "true|false", arity = "1",
            description = "Start the first restart at a random point of the ball.")
    Boolean randomStart;

    @Option(names = "--multi-targeted", paramLabel = "true|false", arity = "1",
            description = "One run per wrong class (K-1 times the work).")
    Boolean multiTargeted;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random starts.")
    Long seed;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Samples evaluated at once; results do not depend on it (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The checked ε, dataset reference and attack settings; throws with a message naming the option. */
    PgdOptions attack() {
        eps += 0.0; // -0 → 0
        if (!Double.isFinite(eps) || eps < 0) {
            throw new IllegalArgumentException("--eps must be a finite number >= 0, got " + eps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        PgdOptions o = switch (preset) {
            case "default" -> PgdOptions.platformDefault(eps);
            case "spec" -> PgdOptions.specEvaluation(eps);
            case "fgsm" -> PgdOptions.fgsm(eps);
            default -> throw new IllegalArgumentException("--attack: unknown preset '" + preset
                    + "' (expected default, spec or fgsm)");
        };
        try {
            if (steps != null) {
                o = o.withSteps(steps);
            }
            if (stepSize != null) {
                o = o.withStepSize(stepSize);
            }
            if (restarts != null) {
                o = o.withRestarts(restarts);
            }
            if (loss != null) {
                o = o.withLoss(PgdOptions.Loss.parse(loss));
            }
            if (randomStart != null) {
                o = o.withRandomStart(randomStart);
            }
            if (multiTargeted != null) {
                o = o.withMultiTargeted(multiTargeted);
            }
            if (seed != null) {
                o = o.withSeed(seed);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attack options: " + e.getMessage());
        }
        return o;
    }

    DatasetRef dataset() {
        try {
            return DatasetRef.parse(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--data: " + e.getMessage());
        }
    }

    /** The model and the data, checked against each other. */
    Loaded load(DatasetRef ref) throws UserInputException {
        Network network = InputFiles.loadModel(model, arch);
        Dataset d = DatasetDirectory.load(ref, dataDir);
        if (d.exampleLength() != network.inputSize()) {
            throw new UserInputException("model " + model + " takes " + network.inputSize() + " values per input, "
                    + ref + " has " + d.exampleLength() + " (" + d.channels() + "x" + d.height() + "x" + d.width() + ")");
        }
        if (d.classes() != network.numClasses()) {
            throw new UserInputException("model " + model + " has " + network.numClasses() + " classes, " + ref
                    + " has " + d.classes());
        }
        return new Loaded(network, d);
    }

    record Loaded(Network network, Dataset data) {
    }
}
