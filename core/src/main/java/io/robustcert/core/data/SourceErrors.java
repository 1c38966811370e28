package io.robustcert.core.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tells the I/O errors of the underlying source (a disk, a network) apart from the ones a parsing library
 * (gzip, tar, MAT) raises about the bytes themselves: the first are rethrown as they are, the second become
 * {@link DatasetFormatException}s.
 */
final class SourceErrors {

    private SourceErrors() {}

    /** An I/O error of the source, carried through a library as its cause. */
    static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SourceFailure(IOException cause) {
            super(cause);
        }
    }

    /** {@code in} with its own I/O errors wrapped in {@link SourceFailure}. */
    static InputStream tag(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new SourceFailure(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw new SourceFailure(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return in.skip(n);
                } catch (IOException e) {
                    throw new SourceFailure(e);
                }
            }

            @Override
            public int available() throws IOException {
                try {
                    return in.available();
                } catch (IOException e) {
                    throw new SourceFailure(e);
                }
            }
        };
    }

    /**
     * The exception to throw for {@code e}, raised while parsing {@code file}: the source's own error
     * rethrown, or a {@link DatasetFormatException} saying the file is {@code what}.
     */
    static DatasetFormatException classify(Throwable e, String file, String what) throws IOException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SourceFailure f) {
                throw (IOException) f.getCause();
            }
        }
        String m = e.getMessage();
        String detail = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        if (e instanceof java.io.EOFException) {
            return new DatasetFormatException(file + ": truncated: not " + what + " (" + detail + ")", e);
        }
        return new DatasetFormatException(file + ": not " + what + " (" + detail + ")", e);
    }
}
