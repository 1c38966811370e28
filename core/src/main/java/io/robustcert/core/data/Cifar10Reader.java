package io.robustcert.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the CIFAR-10 "binary version" ({@code cifar-10-binary.tar.gz} from the CIFAR page, or the
 * extracted {@code data_batch_1.bin … data_batch_5.bin}, {@code test_batch.bin}).
 *
 * <p>Each file is a sequence of 3073-byte records: one label byte in [0, 9], then 3072 pixel bytes, the
 * 1024 red values of the 32×32 image in row-major order, then the green, then the blue: exactly C·H·W.
 */
public final class Cifar10Reader {

    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int CLASSES = 10;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD = 1 + PIXELS;
    /** Records in each official batch file. */
    public static final int RECORDS_PER_BATCH = 10_000;

    /** The member files of a split, in the order their records are concatenated. */
    public static List<String> batchFiles(String split) {
        return switch (split) {
            case DatasetRef.TRAIN -> List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                    "data_batch_4.bin", "data_batch_5.bin");
            case DatasetRef.TEST -> List.of("test_batch.bin");
            default -> throw new IllegalArgumentException("unknown split " + split);
        };
    }

    /** The raw records of one batch file. */
    public record Batch(byte[] pixels, byte[] labels) {}

    private Cifar10Reader() {}

    /**
     * Reads one batch file.
     *
     * @param expectedRecords the number of records the file must hold, or -1 for any number
     */
    public static Batch readBatch(InputStream in, String file, int expectedRecords)
            throws IOException, DatasetFormatException {
        byte[] all = in.readAllBytes();
        if (all.length == 0) {
            throw new DatasetFormatException(file + ": empty file");
        }
        if (all.length % RECORD != 0) {
            int whole = all.length / RECORD;
            throw new DatasetFormatException(file + ": truncated: " + all.length + " bytes is " + whole
                    + " whole records of " + RECORD + " bytes and " + (all.length % RECORD)
                    + " bytes of record " + whole);
        }
        int n = all.length / RECORD;
        if (expectedRecords >= 0 && n != expectedRecords) {
            throw new DatasetFormatException(file + ": holds " + n + " records, expected " + expectedRecords);
        }
        byte[] pixels = new byte[n * PIXELS];
        byte[] labels = new byte[n];
        for (int r = 0; r < n; r++) {
            int label = all[r * RECORD] & 0xFF;
            if (label >= CLASSES) {
                throw new DatasetFormatException(file + ": record " + r + " (byte offset " + ((long) r * RECORD)
                        + ") has label byte " + label + ", outside [0, 9]");
            }
            labels[r] = (byte) label;
            System.arraycopy(all, r * RECORD + 1, pixels, r * PIXELS, PIXELS);
        }
        return new Batch(pixels, labels);
    }

    /** Concatenates batches (in the given order) into one dataset. */
    public static Dataset combine(String name, List<Batch> batches, List<SourceDigest> sources) {
        int n = 0;
        for (Batch b : batches) {
            n += b.labels().length;
        }
        byte[] pixels = new byte[Math.multiplyExact(n, PIXELS)];
        byte[] labels = new byte[n];
        int at = 0;
        for (Batch b : batches) {
            int k = b.labels().length;
            System.arraycopy(b.pixels(), 0, pixels, at * PIXELS, k * PIXELS);
            System.arraycopy(b.labels(), 0, labels, at, k);
            at += k;
        }
        return new Dataset(name, CHANNELS, SIDE, SIDE, CLASSES, pixels, labels, sources);
    }

    /**
     * Reads a split from the official archive ({@code .tar.gz}, or an uncompressed {@code .tar}): the
     * members {@code cifar-10-batches-bin/data_batch_N.bin} or {@code test_batch.bin} in any directory.
     *
     * @param expectedRecords records per batch file, or -1 for any number
     */
    public static Dataset readArchive(String name, InputStream archive, String file, String split,
            int expectedRecords, List<SourceDigest> sources) throws IOException, DatasetFormatException {
        List<String> wanted = batchFiles(split);
        Map<String, Batch> found = new LinkedHashMap<>();
        try {
            InputStream in = Gzip.markable(SourceErrors.tag(archive));
            InputStream tar = Gzip.isGzip(in) ? new GZIPInputStream(in, 1 << 16) : in;
            TarArchiveInputStream t = new TarArchiveInputStream(new BufferedInputStream(tar, 1 << 16));
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                if (wanted.contains(base) && !found.containsKey(base)) {
                    byte[] member = t.readAllBytes();
                    if (member.length != e.getSize()) {
                        throw new DatasetFormatException(file + ": truncated inside member " + e.getName() + " ("
                                + member.length + " of " + e.getSize() + " bytes)");
                    }
                    found.put(base, readBatch(new java.io.ByteArrayInputStream(member), file + "!" + e.getName(),
                            expectedRecords));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw SourceErrors.classify(e, file, "a readable .tar.gz archive");
        }
        List<Batch> batches = new ArrayList<>();
        for (String w : wanted) {
            Batch b = found.get(w);
            if (b == null) {
                throw new DatasetFormatException(file + ": the archive has no member " + w + " (expected "
                        + String.join(", ", wanted) + " under cifar-10-batches-bin/)");
            }
            batches.add(b);
        }
        return combine(name, batches, sources);
    }
}
