package io.robustcert.core.data;

import static io.robustcert.core.data.DataFixtures.resource;
import static io.robustcert.core.data.DataFixtures.stream;
import static io.robustcert.core.data.DataFixtures.truncate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    private static final byte[] IMAGES = resource("idx/images-idx3-ubyte");
    private static final byte[] LABELS = resource("idx/labels-idx1-ubyte");

    private static Dataset read(byte[] images, byte[] labels, int classes) throws Exception {
        return IdxReader.read("fixture", stream(images), "images", stream(labels), "labels", classes, List.of());
    }

    private static String error(byte[] images, byte[] labels, int classes) {
        return assertThrows(DatasetFormatException.class, () -> read(images, labels, classes)).getMessage();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsPixelsAndLabelsGzippedOrNot(boolean gz) throws Exception {
        byte[] images = gz ? resource("idx/images-idx3-ubyte.gz") : IMAGES;
        byte[] labels = gz ? resource("idx/labels-idx1-ubyte.gz") : LABELS;
        Dataset d = read(images, labels, 10);
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.shape());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        for (int n = 0; n < 3; n++) {
            float[] img = d.image(n);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int v = DataFixtures.idxPixel(n, r, c);
                    assertEquals(v, d.pixel(n, r * 28 + c));
                    assertEquals(v / 255f, img[r * 28 + c]);
                }
            }
        }
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 1}, d.labelHistogram());
    }

    @Test
    void wrongMagicIsNamed() {
        byte[] bad = IMAGES.clone();
        bad[0] = 0x1f; // neither IDX nor gzip
        assertTrue(error(bad, LABELS, 10).contains("not an IDX file"));
        // a label file where an image file belongs: one dimension, not three
        String m = error(LABELS, LABELS, 10);
        assertTrue(m.contains("1 dimensions, expected 3"), m);
        byte[] type = IMAGES.clone();
        type[2] = 0x0D; // float
        assertTrue(error(type, LABELS, 10).contains("is not unsigned byte"));
    }

    @Test
    void truncatedDataIsNamed() {
        String m = error(truncate(IMAGES, IMAGES.length - 1), LABELS, 10);
        assertTrue(m.contains("truncated") && m.contains("promises 2352 bytes") && m.contains("holds 2351"), m);
        assertTrue(error(truncate(IMAGES, 10), LABELS, 10).contains("truncated in the IDX header"));
        assertTrue(error(truncate(IMAGES, 2), LABELS, 10).contains("truncated"));
        assertTrue(error(IMAGES, truncate(LABELS, 9), 10).contains("truncated"));
    }

    @Test
    void truncatedOrCorruptGzipIsNamed() {
        byte[] gz = resource("idx/images-idx3-ubyte.gz");
        String m = error(truncate(gz, gz.length / 2), LABELS, 10);
        assertTrue(m.contains("images") && (m.contains("truncated") || m.contains("corrupt gzip")), m);
        byte[] corrupt = gz.clone();
        corrupt[gz.length - 5] ^= 0x55; // the CRC / length trailer
        m = error(corrupt, LABELS, 10);
        assertTrue(m.contains("corrupt gzip") || m.contains("truncated"), m);
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] longer = java.util.Arrays.copyOf(IMAGES, IMAGES.length + 3);
        assertTrue(error(longer, LABELS, 10).contains("data continues after"));
    }

    @Test
    void countMismatchIsNamed() {
        byte[] twoLabels = ByteBuffer.allocate(10).putInt(0x801).putInt(2).put((byte) 1).put((byte) 2).array();
        String m = error(IMAGES, twoLabels, 10);
        assertTrue(m.contains("holds 3 images but labels holds 2 labels"), m);
    }

    @Test
    void labelOutOfRangeIsNamed() {
        String m = error(IMAGES, LABELS, 9);
        assertTrue(m.contains("label 2 is 9, outside [0, 9)"), m);
    }

    @Test
    void headSharesAndNames() throws Exception {
        Dataset d = read(IMAGES, LABELS, 10);
        Dataset h = d.head(2);
        assertEquals(2, h.size());
        assertEquals("fixture:2", h.name());
        assertArrayEquals(new int[] {7, 0}, h.labels());
        assertEquals(d.pixel(1, 100), h.pixel(1, 100));
        assertThrows(IllegalArgumentException.class, () -> d.head(4));
        assertThrows(IndexOutOfBoundsException.class, () -> h.label(2));
    }
}
