package io.robustcert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.robustcert.core.eval.EvaluationReport;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** The output directory of {@code certify} and {@code attack}, and the JSON written into it. */
final class ReportFiles {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String UNSOUND_FILE = "unsound-samples.json";

    private ReportFiles() {
    }

    /** Creates {@code dir} if needed; refuses a path that is a file. */
    static Path prepare(Path dir) throws UserInputException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException("--out " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserInputException("cannot create output directory " + dir + ": " + InputFiles.describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw new UserInputException("output directory " + dir + " is not writable");
        }
        return dir;
    }

    static void writeJson(Path file, Object value) throws UserInputException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + file.getFileName(), e);
        }
        write(file, bytes);
    }

    /**
     * Replaces {@code file} with {@code bytes} in one step: written beside it, then renamed over it, so a run
     * stopped at any moment leaves the old file or the new one, never a truncated one that a resumed run would
     * fail to read back.
     */
    static void write(Path file, byte[] bytes) throws UserInputException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + ": " + InputFiles.describe(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write's own error is the one reported
                }
            }
        }
    }

    /**
     * Saves the offending samples of an unsound report: into {@code out} when given, else into a new
     * temporary directory, so they are never lost. Returns the file.
     */
    static Path saveAlarms(EvaluationReport report, Path model, Path out) throws UserInputException {
        Path dir;
        try {
            dir = out != null ? out : Files.createTempDirectory("robustcert-unsound-");
        } catch (IOException e) {
            throw new UserInputException("cannot create a directory for the unsound samples: " + InputFiles.describe(e));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.toString());
        json.put("dataset", report.dataset());
        json.put("attack", report.attack());
        json.put("alarms", report.alarms());
        Path file = dir.resolve(UNSOUND_FILE);
        writeJson(file, json);
        return file;
    }
}
