package io.robustcert.certifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.v1.CertifierServiceGrpc;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What operators and tools see: gRPC health, /q/health, Prometheus metrics, gRPC reflection. */
@QuarkusTest
class OperationsTest {

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = CertifierClient.channel(url.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        CertifierClient.close(channel);
    }

    private String get(String path) throws Exception {
        return CertifierClient.httpGet(url.getPort(), path);
    }

    @Test
    void grpcHealthProtocolSaysServing() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }

    @Test
    void httpHealthIsUp() throws Exception {
        assertTrue(get("/q/health").contains("\"status\": \"UP\""));
    }

    @Test
    void metricsCountImagesAndCertifiedFraction() throws Exception {
        var request = CertifyTest.good();
        // Inputs already certified by other tests count too; this request adds its own.
        CertifierServiceGrpc.newBlockingStub(channel).certify(request.build());
        String metrics = get("/q/metrics");
        assertTrue(metrics.contains("robustcert_certifier_images_total{method=\"ibp\",mode=\"sound\"}"), metrics);
        assertTrue(metrics.contains("robustcert_certifier_verified_total{"), metrics);
        assertTrue(metrics.contains("robustcert_certifier_certified_fraction_count{method=\"crown-ibp\",mode=\"sound\"}"), metrics);
    }

    @Test
    void reflectionListsTheCertifier() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        services.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        services.complete(List.of());
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = services.get(30, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue(names.contains("robustcert.v1.CertifierService"), names.toString());
    }
}
