package io.robustcert.trainer;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test of the running service over real gRPC on loopback: one client per test. */
abstract class TrainerGrpcTest {

    @TestHTTPResource("/")
    URL url;

    TrainerClient client;

    @BeforeEach
    void connect() {
        client = new TrainerClient(url.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }
}
