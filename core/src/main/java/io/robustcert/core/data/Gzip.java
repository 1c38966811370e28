package io.robustcert.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Gzip detection by the magic bytes 1f 8b, so every reader takes a file compressed or not. */
public final class Gzip {

    private Gzip() {}

    /** A stream that can be peeked at: the same stream if it supports mark, else a buffered wrapper. */
    public static InputStream markable(InputStream in) {
        return in.markSupported() ? in : new BufferedInputStream(in, 1 << 16);
    }

    /** Whether the next two bytes of {@code in} (which must support mark) are the gzip magic. */
    public static boolean isGzip(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("stream must support mark");
        }
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** {@code in} decompressed if it starts with the gzip magic, else {@code in} itself (peek-able). */
    public static InputStream maybeDecompress(InputStream in) throws IOException {
        InputStream m = markable(in);
        return isGzip(m) ? new GZIPInputStream(m, 1 << 16) : m;
    }

    /**
     * Turns the exceptions a corrupt or truncated gzip stream raises into a {@link DatasetFormatException}
     * naming the file; other I/O errors are rethrown unchanged.
     */
    static DatasetFormatException ifCorrupt(IOException e, String file) throws IOException {
        if (e instanceof ZipException) {
            return new DatasetFormatException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
        if (e instanceof EOFException) {
            return new DatasetFormatException(file + ": truncated (the file ends early: " + e.getMessage() + ")", e);
        }
        throw e;
    }
}
