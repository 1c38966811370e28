package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainingState;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What operators see: the gRPC health protocol, /q/health, and the training counters in /q/metrics. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ServiceEndpointsTest {

    @TestHTTPResource("/")
    URL url;

    private String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @Test
    void healthAndMetrics() throws Exception {
        try (TrainerClient client = new TrainerClient(url.getPort())) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(client.channel).check(HealthCheckRequest.getDefaultInstance()).getStatus());
            String id = client.stub.startTraining(StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(64, 1)).build()).getName();
            assertEquals(TrainingState.TRAINING_STATE_SUCCEEDED, TrainerClient.last(client.watch(id)));
        }
        assertTrue(get("/q/health").contains("\"status\": \"UP\""));
        String metrics = get("/q/metrics");
        assertTrue(metrics.matches("(?s).*\\nrobustcert_trainer_images_total(\\{[^}]*\\})? [1-9].*"), metrics);
        assertTrue(metrics.matches("(?s).*\\nrobustcert_trainer_checkpoints_total(\\{[^}]*\\})? [1-9].*"), metrics);
    }
}
