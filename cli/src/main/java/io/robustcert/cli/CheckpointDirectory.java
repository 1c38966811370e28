package io.robustcert.cli;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.train.Trainer;
import io.robustcert.core.train.TrainingCheckpoint;
import io.robustcert.core.train.TrainingConfig;
import io.robustcert.core.train.TrainingState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoints on disk: {@code DIR/checkpoints/epoch-NNNN/{model,state}.safetensors}. A checkpoint
 * directory is written under a temporary name and renamed into place, so a run killed mid-write leaves
 * either the whole checkpoint or none of it.
 */
final class CheckpointDirectory {

    static final String MODEL = "model.safetensors";
    static final String STATE = "state.safetensors";

    private final Path root;

    CheckpointDirectory(Path runDirectory) {
        this.root = runDirectory.resolve("checkpoints");
    }

    Path root() {
        return root;
    }

    /** The checkpoint of {@code epochsDone} epochs, as {@code epoch-NNNN}. */
    Path write(TrainingState state, TrainingConfig config, Dataset train) throws IOException {
        Files.createDirectories(root);
        String name = String.format(Locale.ROOT, "epoch-%04d", state.epochsDone());
        Path tmp = Files.createTempDirectory(root, "." + name + "-");
        try (OutputStream model = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(MODEL)));
             OutputStream st = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(STATE)))) {
            TrainingCheckpoint.write(state, config, train, model, st);
        }
        Path target = root.resolve(name);
        if (Files.exists(target)) {
            deleteTree(target);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        return target;
    }

    /** The checkpoint with the most epochs, if any. */
    Optional<Path> latest() throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> p.getFileName().toString().matches("epoch-\\d{4,}"))
                    .filter(p -> Files.isRegularFile(p.resolve(MODEL)) && Files.isRegularFile(p.resolve(STATE)))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        }
    }

    static TrainingState read(Path checkpoint, Trainer trainer, TrainingConfig config) throws UserInputException {
        try (InputStream model = new BufferedInputStream(Files.newInputStream(checkpoint.resolve(MODEL)));
             InputStream state = new BufferedInputStream(Files.newInputStream(checkpoint.resolve(STATE)))) {
            return TrainingCheckpoint.read(trainer, config, model, state);
        } catch (ModelFormatException e) {
            throw new UserInputException("checkpoint " + checkpoint + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserInputException("cannot read checkpoint " + checkpoint + ": " + InputFiles.describe(e));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(q);
            }
        }
    }
}
