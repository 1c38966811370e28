package io.robustcert.core.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (gzipped or not, detected by the gzip magic).
 *
 * <p>Format: a 4-byte magic {@code 00 00 TT DD} (TT the element type, 0x08 = unsigned byte; DD the
 * number of dimensions), DD big-endian int32 dimension sizes, then the elements in row-major order.
 * Images are {@code 00 00 08 03} with dimensions (count, rows, columns); labels {@code 00 00 08 01}
 * with dimension (count). Trailing bytes after the elements are refused.
 */
public final class IdxReader {

    /** The elements of an IDX file of unsigned bytes and their dimensions. */
    public record IdxArray(int[] dims, byte[] data) {}

    private IdxReader() {}

    /**
     * Reads an image file and a label file into a one-channel dataset.
     *
     * @param name    the dataset's name, e.g. {@code mnist:train}
     * @param classes labels must lie in [0, classes)
     */
    public static Dataset read(String name, InputStream images, String imagesFile, InputStream labels,
            String labelsFile, int classes, List<SourceDigest> sources) throws IOException, DatasetFormatException {
        IdxArray img = readImages(images, imagesFile);
        IdxArray lab = readLabels(labels, labelsFile, classes);
        if (img.dims()[0] != lab.dims()[0]) {
            throw new DatasetFormatException(name + ": " + imagesFile + " holds " + img.dims()[0] + " images but "
                    + labelsFile + " holds " + lab.dims()[0] + " labels");
        }
        return new Dataset(name, 1, img.dims()[1], img.dims()[2], classes, img.data(), lab.data(), sources);
    }

    /** An image file: magic {@code 0x00000803}, dimensions (count, rows, columns). */
    public static IdxArray readImages(InputStream in, String file) throws IOException, DatasetFormatException {
        IdxArray a = read(in, file, 3);
        if (a.dims()[1] == 0 || a.dims()[2] == 0) {
            throw new DatasetFormatException(file + ": images of size " + a.dims()[1] + "x" + a.dims()[2]);
        }
        return a;
    }

    /** A label file: magic {@code 0x00000801}, dimension (count), every label in [0, classes). */
    public static IdxArray readLabels(InputStream in, String file, int classes)
            throws IOException, DatasetFormatException {
        IdxArray a = read(in, file, 1);
        byte[] d = a.data();
        for (int i = 0; i < d.length; i++) {
            int y = d[i] & 0xFF;
            if (y >= classes) {
                throw new DatasetFormatException(file + ": label " + i + " is " + y + ", outside [0, " + classes
                        + ")");
            }
        }
        return a;
    }

    /** An IDX file of unsigned bytes with {@code expectedDims} dimensions. */
    public static IdxArray read(InputStream raw, String file, int expectedDims)
            throws IOException, DatasetFormatException {
        try {
            return readUnchecked(Gzip.maybeDecompress(raw), file, expectedDims);
        } catch (EOFException | java.util.zip.ZipException e) {
            throw Gzip.ifCorrupt(e, file);
        }
    }

    private static IdxArray readUnchecked(InputStream in, String file, int expectedDims)
            throws IOException, DatasetFormatException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DatasetFormatException(file + ": truncated: " + magic.length + " bytes, not even an IDX header");
        }
        int type = magic[2] & 0xFF;
        int dimsCount = magic[3] & 0xFF;
        String expectedMagic = String.format("00 00 08 %02x", expectedDims);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetFormatException(file + ": not an IDX file (magic " + hex(magic) + ", expected "
                    + expectedMagic + ")");
        }
        if (type != 0x08) {
            throw new DatasetFormatException(file + ": IDX element type 0x" + String.format("%02x", type)
                    + " is not unsigned byte (0x08)");
        }
        if (dimsCount != expectedDims) {
            throw new DatasetFormatException(file + ": IDX file has " + dimsCount + " dimensions, expected "
                    + expectedDims + " (magic " + hex(magic) + ", expected " + expectedMagic + ")");
        }
        byte[] header = in.readNBytes(4 * dimsCount);
        if (header.length < 4 * dimsCount) {
            throw new DatasetFormatException(file + ": truncated in the IDX header");
        }
        DataInputStream h = new DataInputStream(new java.io.ByteArrayInputStream(header));
        int[] dims = new int[dimsCount];
        long total = 1;
        for (int i = 0; i < dimsCount; i++) {
            dims[i] = h.readInt();
            if (dims[i] < 0) {
                throw new DatasetFormatException(file + ": dimension " + i + " is negative (" + dims[i] + ")");
            }
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(file + ": dimensions " + java.util.Arrays.toString(dims)
                        + " exceed 2^31 elements");
            }
        }
        byte[] data = new byte[(int) total];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new DatasetFormatException(file + ": truncated: the header promises " + data.length
                    + " bytes of data but the file holds " + got);
        }
        if (in.read() >= 0) {
            throw new DatasetFormatException(file + ": " + "data continues after the " + data.length
                    + " bytes its header promises (dimensions " + java.util.Arrays.toString(dims) + ")");
        }
        return new IdxArray(dims, data);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }
}
