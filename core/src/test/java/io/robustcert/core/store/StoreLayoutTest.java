package io.robustcert.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreLayoutTest {

    static final StoreLayout STORE = new StoreLayout(Path.of("/srv/store"));
    static final Sha256 SHA = Sha256.of("checkpoint".getBytes(StandardCharsets.UTF_8));
    static final Sha256 OTHER = Sha256.of("another checkpoint".getBytes(StandardCharsets.UTF_8));

    @Test
    void namesFilesBySha256UnderTheRoot() {
        Path p = STORE.pathOf(SHA);
        assertEquals(Path.of("/srv/store/sha256", SHA.hex().substring(0, 2), SHA.hex()), p);
        assertEquals("file:///srv/store/sha256/" + SHA.hex().substring(0, 2) + "/" + SHA.hex(), STORE.uriOf(SHA).toString());
    }

    @Test
    void resolvesItsOwnUris() throws UnsafeLocationException {
        assertEquals(STORE.pathOf(SHA), STORE.resolve(STORE.uriOf(SHA).toString(), SHA));
        assertEquals(STORE.pathOf(SHA), STORE.resolve("file:" + STORE.pathOf(SHA), SHA), "file:/path spelling");
        assertEquals(STORE.pathOf(SHA), STORE.resolve("FILE://" + STORE.pathOf(SHA), SHA), "scheme is case-insensitive");
        assertEquals(STORE.pathOf(SHA), STORE.resolve(expand("file:///srv/store/sha256/ab/%s"), SHA), "the templates' base");
    }

    /** Traversal and look-alike spellings: each is refused, none reaches a path. */
    @ParameterizedTest
    @ValueSource(strings = {
        "file:///srv/store/../../etc/passwd",
        "file:///srv/store/sha256/xx/../../../etc/passwd",
        "file:///srv/store/sha256/./%s",
        "file:///srv/store/sha256/%%2e%%2e/%%2e%%2e/etc/passwd",
        "file:///srv/store/sha256/ab%%2f..%%2f..%%2fsecret",
        "file:///srv/store/sha256/ab/%s%%00.txt",
        "file:///srv/store//sha256/ab/%s",
        "file:///srv/store-evil/sha256/ab/%s",
        "file:///srv/storesha256/%s",
        "file:///etc/passwd",
        "file://evil.example.com/srv/store/sha256/ab/%s",
        "file://localhost/srv/store/sha256/ab/%s",
        "file:///srv/store/sha256/ab/%s?x=1",
        "file:///srv/store/sha256/ab/%s#frag",
        "http://example.com/srv/store/sha256/ab/%s",
        "s3://bucket/sha256/ab/%s",
        "srv/store/sha256/ab/%s",
        "/srv/store/sha256/ab/%s",
        "file:srv/store/sha256/ab/%s",
        "file:///srv/store/sha256/ab/%s/",
        "file:///srv/store/sha256/%s",
        "",
        "file:///srv/store/sha 256",
        "file:////etc/passwd"
    })
    void refusesAnythingButTheCanonicalLocation(String template) {
        String uri = expand(template);
        assertThrows(UnsafeLocationException.class, () -> STORE.resolve(uri, SHA), uri);
    }

    /** A template with %s for the digest and ab for its fan-out directory; %% is a literal %. */
    static String expand(String template) {
        return template.replace("%s", SHA.hex()).replace("%%", "%").replace("/ab/", "/" + SHA.hex().substring(0, 2) + "/");
    }

    @Test
    void refusesTheFileOfAnotherDigest() {
        UnsafeLocationException e = assertThrows(UnsafeLocationException.class,
                () -> STORE.resolve(STORE.uriOf(OTHER).toString(), SHA));
        assertTrue(e.getMessage().contains(SHA.hex()), e.getMessage());
    }

    @Test
    void refusesRelativeOrUnnormalizedRoots() {
        assertThrows(IllegalArgumentException.class, () -> new StoreLayout(Path.of("store")));
        assertThrows(IllegalArgumentException.class, () -> new StoreLayout(Path.of("/srv/x/../store")));
        assertThrows(IllegalArgumentException.class, () -> new StoreLayout(null));
    }
}
