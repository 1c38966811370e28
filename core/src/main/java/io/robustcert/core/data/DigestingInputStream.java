package io.robustcert.core.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes several digests (and counts the bytes) of everything read through it, so a file is hashed in
 * the same pass that parses it. {@link #drain()} reads to the end, so the digests cover the whole file
 * even where the parser stopped early.
 */
public final class DigestingInputStream extends FilterInputStream {

    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
    private long count;

    public DigestingInputStream(InputStream in, String... algorithms) {
        super(in);
        for (String a : algorithms) {
            try {
                digests.putIfAbsent(a, MessageDigest.getInstance(a));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("digest " + a + " is not available", e);
            }
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count++;
            for (MessageDigest d : digests.values()) {
                d.update((byte) b);
            }
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            for (MessageDigest d : digests.values()) {
                d.update(b, off, n);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed: read them.
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported: a reset would hash bytes twice
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** Reads the rest of the stream, so that the digests cover all of it. */
    public void drain() throws IOException {
        transferTo(OutputStream.nullOutputStream());
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    /** The digest of everything read so far, in lower-case hex; the stream must be at its end. */
    public String hex(String algorithm) {
        MessageDigest d = digests.get(algorithm);
        if (d == null) {
            throw new IllegalArgumentException(algorithm + " is not computed by this stream");
        }
        try {
            return HexFormat.of().formatHex(((MessageDigest) d.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
