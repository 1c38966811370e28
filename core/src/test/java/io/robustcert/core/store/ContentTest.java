package io.robustcert.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Naming while writing, verifying while reading. */
class ContentTest {

    static final byte[] CONTENT = "a checkpoint's bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void knownDigest() {
        // FIPS 180-2 test vector "abc".
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    @Test
    void onlyCanonicalHexIsAName() {
        String hex = Sha256.of(CONTENT).hex();
        assertThrows(IllegalArgumentException.class, () -> new Sha256(hex.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> new Sha256(hex.substring(1)));
        assertThrows(IllegalArgumentException.class, () -> new Sha256(hex + "0"));
        assertThrows(IllegalArgumentException.class, () -> new Sha256("../" + hex.substring(3)));
        assertThrows(IllegalArgumentException.class, () -> new Sha256(null));
    }

    @Test
    void hashesWhileWriting() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HashingOutputStream out = new HashingOutputStream(sink);
        out.write(CONTENT, 0, 5);
        out.write(CONTENT[5]);
        out.write(CONTENT, 6, CONTENT.length - 6);
        assertEquals(CONTENT.length, out.size());
        assertEquals(Sha256.of(CONTENT), out.sha256());
        assertArrayEquals(CONTENT, sink.toByteArray());
        assertThrows(IOException.class, () -> out.write(1), "no writes after naming");
    }

    @Test
    void readsContentThatMatches() throws Exception {
        assertArrayEquals(CONTENT, VerifiedContent.read(new ByteArrayInputStream(CONTENT), Sha256.of(CONTENT),
                CONTENT.length, 1 << 20));
    }

    @Test
    void refusesWrongHashShorterOrLongerContentAndOversizedAnnouncements() {
        byte[] tampered = CONTENT.clone();
        tampered[3] ^= 1;
        Sha256 sha = Sha256.of(CONTENT);
        assertThrows(ContentMismatchException.class,
                () -> VerifiedContent.read(new ByteArrayInputStream(tampered), sha, CONTENT.length, 1 << 20));
        assertThrows(ContentMismatchException.class,
                () -> VerifiedContent.read(new ByteArrayInputStream(CONTENT, 0, 10), sha, CONTENT.length, 1 << 20));
        assertThrows(ContentMismatchException.class,
                () -> VerifiedContent.read(new ByteArrayInputStream(CONTENT), sha, CONTENT.length - 1, 1 << 20));
        assertThrows(ContentMismatchException.class,
                () -> VerifiedContent.read(new ByteArrayInputStream(CONTENT), sha, -1, 1 << 20));
        assertThrows(ContentTooLargeException.class,
                () -> VerifiedContent.read(new ByteArrayInputStream(CONTENT), sha, CONTENT.length, 10));
    }

    /** A stream longer than announced is not read past the announced size plus one byte. */
    @Test
    void neverReadsMuchPastTheAnnouncedSize() {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 7;
            }
        };
        assertThrows(ContentMismatchException.class, () -> VerifiedContent.read(endless, Sha256.of(CONTENT), 100, 1 << 20));
        assertEquals(101, served[0]);
    }
}
