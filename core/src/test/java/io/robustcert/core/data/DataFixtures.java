package io.robustcert.core.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixtures under src/test/resources/data (written by make_fixtures.py) and the pixel formulas they
 * were written with.
 */
public final class DataFixtures {

    private DataFixtures() {}

    static byte[] resource(String path) {
        try (InputStream in = DataFixtures.class.getResourceAsStream("/data/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource data/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    static byte[] truncate(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IDX fixture: image n, row, column. */
    static int idxPixel(int n, int row, int col) {
        return (n * 50 + row * 10 + col * 3 + 1) % 256;
    }

    /** CIFAR-10 fixture: batch file number (1..5, 6 = test_batch), record, channel, row, column. */
    static int cifarPixel(int batch, int record, int c, int row, int col) {
        return (batch * 101 + record * 11 + c * 80 + row * 7 + col * 3) % 256;
    }

    /** SVHN fixture: example, row, column, channel. */
    static int svhnPixel(int n, int row, int col, int c) {
        return (n * 11 + c * 80 + row * 7 + col * 3 + 5) % 256;
    }

    /** A source over named byte arrays. */
    static final class MapSource implements DatasetSource {
        final Map<String, byte[]> files = new LinkedHashMap<>();

        MapSource put(String name, byte[] data) {
            files.put(name, data);
            return this;
        }

        @Override
        public InputStream open(String name) {
            byte[] b = files.get(name);
            return b == null ? null : new ByteArrayInputStream(b);
        }

        @Override
        public String describe(String name) {
            return "mem:" + name;
        }
    }

    /** A source over a directory. */
    public static DatasetSource directory(Path dir) {
        return new DatasetSource() {
            @Override
            public InputStream open(String name) throws IOException {
                Path p = dir.resolve(name);
                return Files.isRegularFile(p) ? Files.newInputStream(p) : null;
            }

            @Override
            public String describe(String name) {
                return dir.resolve(name).toString();
            }
        };
    }
}
