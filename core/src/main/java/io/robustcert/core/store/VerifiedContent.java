package io.robustcert.core.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads content that a reference (URI + sha256 + size) announced, and hands it out only when both the
 * size and the hash match: a consumer never parses a checkpoint other than the one the event named.
 * Never reads more than the announced size plus one byte, so a bigger file costs no more memory.
 */
public final class VerifiedContent {

    private VerifiedContent() {
    }

    /**
     * @param maxBytes the most this consumer accepts; a reference announcing more is refused before reading
     *                 ({@link ContentTooLargeException})
     */
    public static byte[] read(InputStream in, Sha256 expected, long expectedSize, long maxBytes)
            throws IOException, ContentMismatchException, ContentTooLargeException {
        if (expectedSize < 0) {
            throw new ContentMismatchException("announced size must be >= 0, got " + expectedSize);
        }
        long cap = Math.min(maxBytes, Integer.MAX_VALUE - 8L);
        if (expectedSize > cap) {
            throw new ContentTooLargeException("announced size " + expectedSize + " bytes exceeds the limit of " + cap);
        }
        byte[] bytes = in.readNBytes((int) expectedSize + 1);
        if (bytes.length != expectedSize) {
            throw new ContentMismatchException(bytes.length > expectedSize
                    ? "content is larger than the announced " + expectedSize + " bytes"
                    : "content has " + bytes.length + " bytes, " + expectedSize + " were announced");
        }
        Sha256 actual = Sha256.of(bytes);
        if (!actual.equals(expected)) {
            throw new ContentMismatchException("content SHA-256 is " + actual + ", " + expected + " was announced");
        }
        return bytes;
    }
}
