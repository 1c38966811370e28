package io.robustcert.core.store;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts everything written through it, so a checkpoint is named (by its SHA-256) in the same
 * pass that writes it: write to a temporary file through this stream, then move the file to
 * {@link StoreLayout#pathOf}.
 */
public final class HashingOutputStream extends FilterOutputStream {

    private final MessageDigest digest = Sha256.newDigest();
    private long size;
    private Sha256 result;

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        out.write(b);
        digest.update((byte) b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        out.write(b, off, len);
        digest.update(b, off, len);
        size += len;
    }

    private void checkOpen() throws IOException {
        if (result != null) {
            throw new IOException("the content was already hashed: nothing more can be written");
        }
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** The digest of everything written; after this, further writes fail (the name would no longer match). */
    public Sha256 sha256() {
        if (result == null) {
            result = Sha256.of(digest);
        }
        return result;
    }
}
