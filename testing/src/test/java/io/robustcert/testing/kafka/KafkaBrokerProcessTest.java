package io.robustcert.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as a separate process: records survive a clean stop (SIGTERM) and a crash (SIGKILL). */
class KafkaBrokerProcessTest {

    @Test
    void recordsSurviveStopAndKill(@TempDir Path dir) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.onThisClassPath(dir.resolve("kafka")).start()) {
            assertEquals(KafkaBroker.Kind.PROCESS, broker.kind());
            String bootstrap = broker.bootstrapServers();
            String first = RoundTrip.send(bootstrap);
            RoundTrip.expect(bootstrap, List.of(first));

            broker.stop();
            assertFalse(broker.running());
            broker.start();
            assertEquals(bootstrap, broker.bootstrapServers(), "same address after a restart");
            String second = RoundTrip.send(bootstrap);
            RoundTrip.expect(bootstrap, List.of(first, second));

            broker.kill();
            broker.start();
            assertTrue(broker.running());
            RoundTrip.expect(bootstrap, List.of(first, second));
        }
    }
}
