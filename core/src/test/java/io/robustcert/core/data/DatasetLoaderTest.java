package io.robustcert.core.data;

import static io.robustcert.core.data.DataFixtures.hex;
import static io.robustcert.core.data.DataFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.data.DataFixtures.MapSource;
import io.robustcert.core.data.DatasetLoader.Verification;
import io.robustcert.core.data.SourceDigest.Status;
import java.io.FileNotFoundException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetLoaderTest {

    private static final byte[] IMAGES = resource("idx/images-idx3-ubyte");
    private static final byte[] LABELS = resource("idx/labels-idx1-ubyte");
    private static final byte[] IMAGES_GZ = resource("idx/images-idx3-ubyte.gz");
    private static final byte[] LABELS_GZ = resource("idx/labels-idx1-ubyte.gz");
    private static final String TI = "t10k-images-idx3-ubyte.gz";
    private static final String TL = "t10k-labels-idx1-ubyte.gz";
    private static final DatasetRef MNIST_TEST = DatasetRef.parse("mnist:test");

    /** The standard catalog with the fixture's digests as MNIST test's published checksums. */
    private static DatasetCatalog fixtureCatalog(boolean withContentChecksum) {
        return DatasetCatalog.standard()
                .withChecksums(DatasetKind.MNIST, TI, List.of(Checksum.md5(hex("MD5", IMAGES_GZ), "test")),
                        withContentChecksum ? List.of(Checksum.sha256(hex("SHA-256", IMAGES), "test")) : List.of())
                .withChecksums(DatasetKind.MNIST, TL, List.of(Checksum.md5(hex("MD5", LABELS_GZ), "test")), List.of());
    }

    private static Dataset loadOff(DatasetCatalog catalog, DatasetRef ref, DatasetSource source) throws Exception {
        return new DatasetLoader(catalog, false).load(ref, source, Verification.OFF);
    }

    private static List<Status> statuses(DatasetCatalog catalog, DatasetSource source) throws Exception {
        return new DatasetLoader(catalog, false).load(MNIST_TEST, source, Verification.STRICT).sources().stream()
                .map(SourceDigest::status).toList();
    }

    @Test
    void verificationStatusPerForm() throws Exception {
        // the published .gz form, matching its published md5
        MapSource gz = new MapSource().put(TI, IMAGES_GZ).put(TL, LABELS_GZ);
        assertEquals(List.of(Status.VERIFIED, Status.VERIFIED), statuses(fixtureCatalog(false), gz));
        Dataset d = new DatasetLoader(fixtureCatalog(false), false).load(MNIST_TEST, gz, Verification.STRICT);
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        SourceDigest s = d.sources().get(0);
        assertEquals(TI, s.file());
        assertEquals(IMAGES_GZ.length, s.bytes());
        assertEquals(hex("SHA-256", IMAGES_GZ), s.sha256());
        assertTrue(s.detail().contains("md5:" + hex("MD5", IMAGES_GZ) + " matches test"), s.detail());
        // uncompressed copies: images have a published content checksum, labels none
        MapSource raw = new MapSource().put("t10k-images-idx3-ubyte", IMAGES).put("t10k-labels-idx1-ubyte", LABELS);
        assertEquals(List.of(Status.VERIFIED, Status.STRUCTURE_ONLY), statuses(fixtureCatalog(true), raw));
        assertEquals(List.of(Status.STRUCTURE_ONLY, Status.STRUCTURE_ONLY), statuses(fixtureCatalog(false), raw));
        // a re-compressed copy whose content matches the published content checksum
        MapSource regz = new MapSource().put(TI, gzip(IMAGES)).put(TL, LABELS_GZ);
        assertEquals(List.of(Status.VERIFIED, Status.VERIFIED), statuses(fixtureCatalog(true), regz));
        assertThrows(ChecksumMismatchException.class, () -> statuses(fixtureCatalog(false), regz));
        // switched off
        assertEquals(List.of(Status.NOT_CHECKED, Status.NOT_CHECKED), new DatasetLoader(DatasetCatalog.standard(),
                false).load(MNIST_TEST, gz, Verification.OFF).sources().stream().map(SourceDigest::status).toList());
    }

    private static byte[] gzip(byte[] data) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(out)) {
            g.write(data, 0, data.length);
        }
        return out.toByteArray();
    }

    @Test
    void officialSizesAreRequiredByDefault() {
        MapSource src = new MapSource().put(TI, IMAGES_GZ).put(TL, LABELS_GZ);
        String m = assertThrows(DatasetFormatException.class, () -> new DatasetLoader(fixtureCatalog(false))
                .load(MNIST_TEST, src, Verification.STRICT)).getMessage();
        assertTrue(m.contains("mnist:test: holds 3 examples, the official split has 10000"), m);
    }

    @Test
    void gzipWithWrongChecksumIsRefused() {
        MapSource src = new MapSource().put(TI, IMAGES_GZ).put(TL, LABELS_GZ);
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> new DatasetLoader(DatasetCatalog.standard()).load(MNIST_TEST, src, Verification.STRICT));
        assertTrue(e.getMessage().contains("mem:" + TI + ": checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("md5:9fb629c4189551a2d022fa330f9573f3"), e.getMessage());
        assertTrue(e.getMessage().contains(hex("MD5", IMAGES_GZ)), e.getMessage());
    }

    @Test
    void uncompressedCopyWithWrongContentChecksumIsRefused() {
        DatasetCatalog c = DatasetCatalog.standard().withChecksums(DatasetKind.MNIST, TI, List.of(),
                List.of(Checksum.sha256("00".repeat(32), "test")));
        MapSource src = new MapSource().put("t10k-images-idx3-ubyte", IMAGES).put("t10k-labels-idx1-ubyte", LABELS);
        String m = assertThrows(ChecksumMismatchException.class,
                () -> new DatasetLoader(c).load(MNIST_TEST, src, Verification.STRICT)).getMessage();
        assertTrue(m.contains("sha256:" + "00".repeat(32)), m);
    }

    @Test
    void missingFilesAreNamed() {
        MapSource src = new MapSource().put(TI, IMAGES_GZ);
        String m = assertThrows(FileNotFoundException.class,
                () -> new DatasetLoader(DatasetCatalog.standard()).load(MNIST_TEST, src, Verification.OFF)).getMessage();
        assertTrue(m.contains("found neither mem:t10k-labels-idx1-ubyte.gz nor mem:t10k-labels-idx1-ubyte"), m);
    }

    @Test
    void limitTakesTheFirstExamples() throws Exception {
        MapSource src = new MapSource().put(TI, IMAGES_GZ).put(TL, LABELS_GZ);
        Dataset d = loadOff(DatasetCatalog.standard(), DatasetRef.parse("mnist:test:2"), src);
        assertEquals(2, d.size());
        assertEquals("mnist:test:2", d.name());
        assertArrayEquals(new int[] {7, 0}, d.labels());
        Dataset fashion = loadOff(DatasetCatalog.standard(), DatasetRef.parse("fashion-mnist:test:3"), src);
        assertEquals(3, fashion.size());
        String m = assertThrows(DatasetFormatException.class, () -> loadOff(DatasetCatalog.standard(),
                DatasetRef.parse("mnist:test:5"), src)).getMessage();
        assertTrue(m.contains("asks for 5 examples, mnist:test holds 3"), m);
    }

    private static Path resourceDir(String dir) throws URISyntaxException {
        return Path.of(DatasetLoaderTest.class.getResource("/data/" + dir).toURI());
    }

    @Test
    void cifarFromTheArchiveIsCheckedAgainstThePublishedMd5() throws Exception {
        DatasetSource dir = DataFixtures.directory(resourceDir("cifar10"));
        // The fixture is structurally valid but small: lift the official-size rule so the checksum decides.
        String m = assertThrows(ChecksumMismatchException.class, () -> new DatasetLoader(DatasetCatalog.standard(), false)
                .load(DatasetRef.parse("cifar10:test"), dir, Verification.STRICT)).getMessage();
        assertTrue(m.contains("cifar-10-binary.tar.gz: checksum mismatch") && m.contains("c32a1d4ab5d03f1284b67883e8d87530"), m);
        Dataset d = loadOff(DatasetCatalog.standard(), DatasetRef.parse("cifar10:train"), dir);
        assertArrayEquals(new int[] {6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, d.labels());
        assertEquals("cifar-10-binary.tar.gz", d.sources().get(0).file());
        assertEquals(hex("SHA-256", resource("cifar10/cifar-10-binary.tar.gz")), d.sources().get(0).sha256());
    }

    @Test
    void cifarFromExtractedBatchFiles() throws Exception {
        MapSource src = new MapSource();
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin")) {
            src.put("cifar-10-batches-bin/" + f, resource("cifar10/cifar-10-batches-bin/" + f));
        }
        Dataset train = loadOff(DatasetCatalog.standard(), DatasetRef.parse("cifar10:train"), src);
        assertEquals(10, train.size());
        assertEquals(5, train.sources().size());
        // STRICT: no published checksum for .bin files (structure only); official sizes: 10 000 records each
        assertEquals(Status.STRUCTURE_ONLY, new DatasetLoader(DatasetCatalog.standard(), false)
                .load(DatasetRef.parse("cifar10:test"), src, Verification.STRICT).sources().get(0).status());
        String m = assertThrows(DatasetFormatException.class, () -> new DatasetLoader(DatasetCatalog.standard())
                .load(DatasetRef.parse("cifar10:test"), src, Verification.STRICT)).getMessage();
        assertTrue(m.contains("holds 5 records, expected 10000"), m);
        src.files.remove("cifar-10-batches-bin/data_batch_3.bin");
        m = assertThrows(FileNotFoundException.class, () -> loadOff(DatasetCatalog.standard(),
                DatasetRef.parse("cifar10:train"), src)).getMessage();
        assertTrue(m.contains("data_batch_3.bin"), m);
    }

    @Test
    void svhnIsCheckedAgainstThePublishedMd5() throws Exception {
        DatasetSource dir = DataFixtures.directory(resourceDir("svhn"));
        // The fixture is structurally valid but small: lift the official-size rule so the checksum decides.
        String m = assertThrows(ChecksumMismatchException.class, () -> new DatasetLoader(DatasetCatalog.standard(), false)
                .load(DatasetRef.parse("svhn:train"), dir, Verification.STRICT)).getMessage();
        assertTrue(m.contains("e26dedcc434d2e4c54c9b2d4a06d8373") && m.contains("torchvision/datasets/svhn.py"), m);
        DatasetCatalog own = DatasetCatalog.standard().withChecksums(DatasetKind.SVHN, "test_32x32.mat",
                List.of(Checksum.md5(hex("MD5", resource("svhn/test_32x32.mat")), "test")), List.of());
        Dataset verified = new DatasetLoader(own, false).load(DatasetRef.parse("svhn:test"), dir, Verification.STRICT);
        assertEquals(Status.VERIFIED, verified.sources().get(0).status());
        Dataset d = loadOff(DatasetCatalog.standard(), DatasetRef.parse("svhn:test"), dir);
        assertArrayEquals(new int[] {2, 0, 9}, d.labels());
    }
}
