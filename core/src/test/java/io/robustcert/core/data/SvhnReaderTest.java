package io.robustcert.core.data;

import static io.robustcert.core.data.DataFixtures.resource;
import static io.robustcert.core.data.DataFixtures.stream;
import static io.robustcert.core.data.DataFixtures.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvhnReaderTest {

    private static Dataset read(String file) throws Exception {
        return SvhnReader.read("svhn", stream(resource("svhn/" + file)), file, List.of());
    }

    private static String error(byte[] bytes, String file) {
        return assertThrows(DatasetFormatException.class,
                () -> SvhnReader.read("svhn", stream(bytes), file, List.of())).getMessage();
    }

    private static void assertPixels(Dataset d) {
        for (int n = 0; n < d.size(); n++) {
            for (int c = 0; c < 3; c++) {
                for (int row = 0; row < 32; row++) {
                    for (int col = 0; col < 32; col++) {
                        assertEquals(DataFixtures.svhnPixel(n, row, col, c), d.pixel(n, c * 1024 + row * 32 + col),
                                "example " + n + " channel " + c + " row " + row + " col " + col);
                    }
                }
            }
        }
    }

    @Test
    void readsCompressedFileWithUint8LabelsAndMapsTenToZero() throws Exception {
        Dataset d = read("train_32x32.mat");
        assertEquals(4, d.size());
        assertArrayEquals(new int[] {3, 32, 32}, d.shape());
        assertArrayEquals(new int[] {0, 1, 5, 0}, d.labels());
        assertPixels(d);
    }

    @Test
    void readsUncompressedFileWithDoubleLabels() throws Exception {
        Dataset d = read("test_32x32.mat");
        assertArrayEquals(new int[] {2, 0, 9}, d.labels());
        assertPixels(d);
    }

    @Test
    void missingVariableIsNamed() {
        String m = error(resource("svhn/missing_y.mat"), "missing_y.mat");
        assertTrue(m.contains("has no variable 'y'") && m.contains("variables: X"), m);
    }

    @Test
    void labelOutOfRangeIsNamed() {
        String m = error(resource("svhn/bad_label.mat"), "bad_label.mat");
        assertTrue(m.contains("y(2) is 11.0"), m);
    }

    @Test
    void countMismatchIsNamed() {
        String m = error(resource("svhn/count_mismatch.mat"), "count_mismatch.mat");
        assertTrue(m.contains("X holds 3 images but y holds 2 labels"), m);
    }

    @Test
    void wrongDimensionsAndTypeAreNamed() {
        String m = error(resource("svhn/wrong_dims.mat"), "wrong_dims.mat");
        assertTrue(m.contains("X has dimensions [28, 28, 3, 2]"), m);
        m = error(resource("svhn/x_double.mat"), "x_double.mat");
        assertTrue(m.contains("X is double") && m.contains("expected uint8"), m);
    }

    @Test
    void truncatedFileIsNamed() {
        for (String f : new String[] {"test_32x32.mat", "train_32x32.mat"}) {
            byte[] b = resource("svhn/" + f);
            for (int cut : new int[] {60, 200, b.length / 2, b.length - 8}) {
                String m = error(truncate(b, cut), f);
                assertTrue(m.startsWith(f + ":"), m);
            }
        }
    }

    @Test
    void notAMatFileIsNamed() {
        String m = error(resource("cifar10/cifar-10-batches-bin/test_batch.bin"), "x.mat");
        assertTrue(m.contains("x.mat: not a readable MATLAB v5 file"), m);
    }
}
