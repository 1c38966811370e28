package io.robustcert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Picks the libnd4j build before ND4J loads: the class path carries the oneDNN builds for AVX-512 and
 * for generic x86-64, and JavaCPP loads the one named by {@value #PROPERTY}. The launcher sets it; this
 * sets it when it was not (tests, {@code java -cp ... Main}), the same way: AVX-512 where
 * {@code /proc/cpuinfo} lists {@code avx512f}, else the generic build.
 */
final class NativeBackend {

    static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final Pattern AVX512F = Pattern.compile("\\bavx512f\\b");

    private NativeBackend() {
    }

    /** Must run before any ND4J class is touched; later calls change nothing. */
    static synchronized void select() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, hasAvx512f() ? "-onednn-avx512" : "-onednn");
        }
    }

    private static boolean hasAvx512f() {
        try {
            return AVX512F.matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
