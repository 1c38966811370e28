package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void internalErrorsAreOneLineWithoutStackTrace() {
        String line = Main.internalError(new IllegalStateException("first\n  second\r\nthird"));
        assertEquals("internal error: java.lang.IllegalStateException: first second third", line);
        assertTrue(Main.internalError(new OutOfMemoryError("Java heap space")).startsWith("internal error: out of memory"));
        assertFalse(Main.internalError(new NullPointerException()).contains("\n"));
    }

    @Test
    void versionAndHelpExitZero() {
        Cli.Result version = Cli.run("--version");
        assertEquals(0, version.code(), version::toString);
        assertTrue(version.out().startsWith("robustcert"), version::toString);
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("bounds"), help::toString);
    }

    @Test
    void theBackendIsChosenBeforeNd4jLoads() {
        NativeBackend.select();
        String extension = System.getProperty(NativeBackend.PROPERTY);
        assertTrue(extension.equals("-onednn-avx512") || extension.equals("-onednn"), extension);
    }
}
