package io.robustcert.core.data;

import static io.robustcert.core.data.DataFixtures.resource;
import static io.robustcert.core.data.DataFixtures.stream;
import static io.robustcert.core.data.DataFixtures.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class Cifar10ReaderTest {

    private static final String DIR = "cifar10/cifar-10-batches-bin/";
    private static final byte[] TEST_BATCH = resource(DIR + "test_batch.bin");

    /** Checks every pixel of record {@code r} of fixture batch file {@code batch} against the formula. */
    private static void assertRecord(Dataset d, int i, int batch, int r) {
        for (int c = 0; c < 3; c++) {
            for (int row = 0; row < 32; row++) {
                for (int col = 0; col < 32; col++) {
                    assertEquals(DataFixtures.cifarPixel(batch, r, c, row, col), d.pixel(i, c * 1024 + row * 32 + col),
                            "example " + i + " channel " + c + " row " + row + " col " + col);
                }
            }
        }
    }

    @Test
    void readsOneBatchFileExactly() throws Exception {
        Cifar10Reader.Batch b = Cifar10Reader.readBatch(stream(TEST_BATCH), "test_batch.bin", 5);
        Dataset d = Cifar10Reader.combine("cifar10:test", List.of(b), List.of());
        assertEquals(5, d.size());
        assertArrayEquals(new int[] {3, 32, 32}, d.shape());
        assertArrayEquals(new int[] {3, 8, 8, 0, 6}, d.labels());
        for (int r = 0; r < 5; r++) {
            assertRecord(d, r, 6, r);
        }
        assertEquals(DataFixtures.cifarPixel(6, 4, 2, 31, 31) / 255f, d.image(4)[3071]);
    }

    @Test
    void readsBothSplitsFromTheArchiveInBatchOrder() throws Exception {
        byte[] archive = resource("cifar10/cifar-10-binary.tar.gz");
        Dataset train = Cifar10Reader.readArchive("cifar10:train", stream(archive), "a.tar.gz", "train", 2, List.of());
        assertEquals(10, train.size());
        assertArrayEquals(new int[] {6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, train.labels());
        for (int i = 0; i < 10; i++) {
            assertRecord(train, i, 1 + i / 2, i % 2);
        }
        Dataset test = Cifar10Reader.readArchive("cifar10:test", stream(archive), "a.tar.gz", "test", -1, List.of());
        assertArrayEquals(new int[] {3, 8, 8, 0, 6}, test.labels());
        assertRecord(test, 2, 6, 2);
    }

    @Test
    void truncatedRecordIsNamed() {
        String m = assertThrows(DatasetFormatException.class, () -> Cifar10Reader.readBatch(
                stream(truncate(TEST_BATCH, 3 * 3073 + 100)), "test_batch.bin", -1)).getMessage();
        assertTrue(m.contains("test_batch.bin: truncated") && m.contains("3 whole records") && m.contains("100 bytes of record 3"), m);
        assertThrows(DatasetFormatException.class,
                () -> Cifar10Reader.readBatch(stream(new byte[0]), "empty.bin", -1));
    }

    @Test
    void wrongLabelByteIsNamed() {
        byte[] bad = TEST_BATCH.clone();
        bad[2 * 3073] = 10;
        String m = assertThrows(DatasetFormatException.class,
                () -> Cifar10Reader.readBatch(stream(bad), "test_batch.bin", -1)).getMessage();
        assertTrue(m.contains("record 2") && m.contains("label byte 10"), m);
    }

    @Test
    void recordCountMismatchIsNamed() {
        String m = assertThrows(DatasetFormatException.class,
                () -> Cifar10Reader.readBatch(stream(TEST_BATCH), "test_batch.bin", 10_000)).getMessage();
        assertTrue(m.contains("holds 5 records, expected 10000"), m);
    }

    @Test
    void archiveWithoutAMemberIsNamed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry("cifar-10-batches-bin/test_batch.bin");
            e.setSize(TEST_BATCH.length);
            tar.putArchiveEntry(e);
            tar.write(TEST_BATCH);
            tar.closeArchiveEntry();
        }
        String m = assertThrows(DatasetFormatException.class, () -> Cifar10Reader.readArchive("cifar10:train",
                stream(bytes.toByteArray()), "a.tar.gz", "train", -1, List.of())).getMessage();
        assertTrue(m.contains("no member data_batch_1.bin"), m);
    }

    @Test
    void truncatedArchiveIsNamed() {
        byte[] archive = resource("cifar10/cifar-10-binary.tar.gz");
        for (int cut : new int[] {5, archive.length / 3, archive.length - 10}) {
            String m = assertThrows(DatasetFormatException.class, () -> Cifar10Reader.readArchive("cifar10:test",
                    stream(truncate(archive, cut)), "a.tar.gz", "test", -1, List.of()), "cut at " + cut).getMessage();
            assertTrue(m.startsWith("a.tar.gz"), m);
        }
    }

    @Test
    void notAnArchiveIsNamed() {
        String m = assertThrows(DatasetFormatException.class, () -> Cifar10Reader.readArchive("cifar10:test",
                stream(TEST_BATCH), "test_batch.bin", "test", -1, List.of())).getMessage();
        assertTrue(m.startsWith("test_batch.bin"), m);
    }
}
