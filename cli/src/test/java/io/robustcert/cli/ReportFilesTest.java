package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's result files are replaced whole: a reader sees the old content or the new, and no leftovers. */
class ReportFilesTest {

    @Test
    void replacesAFileWholeAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("eps-0.1.json");
        Files.writeString(file, "{\"old\": true, \"padding\": \"" + "x".repeat(4096) + "\"}");
        ReportFiles.writeJson(file, Map.of("new", 1));
        assertEquals(1, ReportFiles.JSON.readTree(file.toFile()).get("new").asInt());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the file itself");
        }
    }

    @Test
    void aFailedWriteIsAClearErrorAndLeavesWhatWasThere(@TempDir Path dir) throws Exception {
        // The target cannot be replaced (a non-empty directory in its place): the error names it, what was
        // there stays, and the temporary sibling is removed.
        Path file = dir.resolve("results.md");
        Files.createDirectories(file);
        Files.writeString(file.resolve("kept"), "old");
        UserInputException e = assertThrows(UserInputException.class,
                () -> ReportFiles.write(file, "new".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("cannot write " + file), e.getMessage());
        assertEquals("old", Files.readString(file.resolve("kept")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
        Path missing = dir.resolve("gone").resolve("results.md");
        e = assertThrows(UserInputException.class, () -> ReportFiles.write(missing, new byte[] {1}));
        assertTrue(e.getMessage().startsWith("cannot write " + missing), e.getMessage());
    }
}
