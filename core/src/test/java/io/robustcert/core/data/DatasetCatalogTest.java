package io.robustcert.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetCatalogTest {

    @Test
    void everySplitHasItsFilesWithCitedChecksums() {
        DatasetCatalog c = DatasetCatalog.standard();
        for (DatasetKind k : DatasetKind.values()) {
            for (String split : List.of(DatasetRef.TRAIN, DatasetRef.TEST)) {
                List<CatalogFile> files = c.filesFor(k, split);
                assertFalse(files.isEmpty());
                for (CatalogFile f : files) {
                    assertFalse(f.checksums().isEmpty(), f.fileName());
                    for (Checksum s : f.checksums()) {
                        assertFalse(s.source().isBlank());
                    }
                    assertTrue(f.urls().get(0).toString().endsWith("/" + f.fileName()), f.urls().toString());
                }
            }
        }
        assertEquals(11, c.files().size());
        assertEquals("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                c.file(DatasetKind.MNIST, "train-images-idx3-ubyte.gz").contentChecksums().get(0).hex());
        assertEquals("c32a1d4ab5d03f1284b67883e8d87530",
                c.file(DatasetKind.CIFAR10, "cifar-10-binary.tar.gz").checksums().get(0).hex());
        assertThrows(IllegalArgumentException.class, () -> c.file(DatasetKind.SVHN, "extra_32x32.mat"));
    }

    @Test
    void baseUrlCanBeOverridden() {
        DatasetCatalog c = DatasetCatalog.standard().withBaseUrl(DatasetKind.SVHN, URI.create("http://127.0.0.1:8080/x"));
        assertEquals(List.of(URI.create("http://127.0.0.1:8080/x/test_32x32.mat")),
                c.file(DatasetKind.SVHN, "test_32x32.mat").urls());
        assertEquals(2, c.file(DatasetKind.MNIST, "t10k-images-idx3-ubyte.gz").urls().size());
        DatasetCatalog all = DatasetCatalog.standard().withBaseUrl(URI.create("http://127.0.0.1:1/"));
        assertEquals(URI.create("http://127.0.0.1:1/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
                all.file(DatasetKind.FASHION_MNIST, "t10k-labels-idx1-ubyte.gz").urls().get(0));
    }

    @Test
    void checksumsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Checksum.md5("abc", "x"));
        assertThrows(IllegalArgumentException.class, () -> Checksum.sha256("g".repeat(64), "x"));
        assertThrows(IllegalArgumentException.class, () -> new Checksum("SHA-1", "00", "x"));
        assertEquals("md5:" + "ab".repeat(16), Checksum.md5("AB".repeat(16), "x").label());
    }

    @Test
    void digestingStreamHashesEverything() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);
        DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(data), "MD5", "SHA-256");
        in.read();
        in.skip(1000);
        in.readNBytes(5000);
        in.drain();
        assertEquals(data.length, in.count());
        assertEquals(DataFixtures.hex("MD5", data), in.hex("MD5"));
        assertEquals(DataFixtures.hex("SHA-256", data), in.hex("SHA-256"));
    }
}
