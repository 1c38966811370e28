package io.robustcert.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftBrokerTest {

    @Test
    void parsesTheCommandLine() {
        KraftBrokerConfig c = KraftBroker.parse(new String[] {"--dir", "/tmp/k", "--port", "19092", "--controller-port", "19093"});
        assertEquals(Path.of("/tmp/k"), c.dataDir());
        assertEquals("127.0.0.1:19092", c.bootstrapServers());
        assertEquals(19093, c.controllerPort());
    }

    @Test
    void refusesBadCommandLines() {
        assertThrows(IllegalArgumentException.class, () -> KraftBroker.parse(new String[] {"--port", "9092"}));
        assertThrows(IllegalArgumentException.class, () -> KraftBroker.parse(new String[] {"--dir", "d", "--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> KraftBroker.parse(new String[] {"--dir", "d", "--port", "0"}));
        assertThrows(IllegalArgumentException.class, () -> KraftBroker.parse(new String[] {"--dir", "d", "--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> KraftBroker.parse(new String[] {"--dir"}));
        assertThrows(IllegalArgumentException.class,
                () -> KraftBroker.parse(new String[] {"--dir", "d", "--port", "9000", "--controller-port", "9000"}));
    }

    /** Formatting twice keeps the cluster id: a restarted broker finds its own records. */
    @Test
    void preparesAndFormatsOnceAcrossRestarts(@TempDir Path dir) throws IOException {
        KraftBrokerConfig c = new KraftBrokerConfig(dir, "127.0.0.1", 19092, 19093);
        Path props = KraftBroker.prepare(c);
        String id = Files.readString(dir.resolve("cluster.id")).strip();
        Path meta = dir.resolve("data").resolve("meta.properties");
        assertTrue(Files.exists(meta), "formatted");
        assertTrue(Files.readString(meta).contains(id));
        KraftBroker.prepare(c);
        assertEquals(id, Files.readString(dir.resolve("cluster.id")).strip());
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(props)) {
            p.load(in);
        }
        assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.getProperty("listeners"));
        assertEquals(dir.resolve("data").toAbsolutePath().toString(), p.getProperty("log.dirs"));
    }
}
