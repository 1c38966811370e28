package io.robustcert.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.model.Network;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.v1.AttackRequest;
import io.robustcert.v1.AttackResponse;
import io.robustcert.v1.AttackServiceGrpc;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.Input;
import io.robustcert.v1.Perturbation;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attack over a real gRPC channel on loopback: core's verdicts; bad fields named; big requests refused. */
@QuarkusTest
class AttackTest {

    static final int N = 30;
    static final double EPS = 0.05;
    static ByteString model;
    static Dataset data;
    static Network network;
    static EvaluationReport expected;

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;
    AttackServiceGrpc.AttackServiceBlockingStub attacker;

    @BeforeAll
    static void attackDirectly() throws Exception {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = ByteString.readFrom(in);
        }
        network = RealMnist.naturalModel();
        data = RealMnist.test(N);
        expected = new Evaluator(EvaluationSettings.sound(PgdOptions.platformDefault(EPS).withSteps(20).withRestarts(1),
                List.of())).evaluate(network, data);
    }

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", url.getPort()).usePlaintext().build();
        attacker = AttackServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    static AttackRequest.Builder good() {
        AttackRequest.Builder b = AttackRequest.newBuilder().setModel(model)
                .setPerturbation(Perturbation.newBuilder().setEpsilon(EPS))
                .setAttack(AttackSpec.newBuilder().setSteps(20).setRestarts(1)).setIncludeAdversarialInputs(true);
        for (int i = 0; i < N; i++) {
            Input.Builder in = Input.newBuilder();
            for (double v : data.imageAsDoubles(i)) {
                in.addValues(v);
            }
            b.addInputs(in).addLabels(data.label(i));
        }
        return b;
    }

    @Test
    void theVerdictsAreCoresAndEveryAdversarialPointIsInTheBallAndMisclassified() {
        AttackResponse r = attacker.attack(good().build());
        assertEquals(N, r.getSamplesCount());
        long broken = 0;
        for (int i = 0; i < N; i++) {
            assertEquals(expected.samples().get(i).cleanCorrect(), r.getSamples(i).getCorrect(), "correct " + i);
            assertEquals(expected.samples().get(i).broken(), r.getSamples(i).getBroken(), "broken " + i);
            if (r.getSamples(i).getBroken()) {
                broken++;
                List<Double> point = r.getSamples(i).getAdversarialInput().getValuesList();
                double[] clean = data.imageAsDoubles(i);
                assertEquals(clean.length, point.size());
                for (int k = 0; k < clean.length; k++) {
                    assertTrue(Math.abs(point.get(k) - clean[k]) <= EPS && point.get(k) >= 0 && point.get(k) <= 1);
                }
            }
        }
        assertEquals(broken, r.getBrokenCount());
        assertTrue(broken > 0, "the test needs broken samples");
    }

    @Test
    void anOnnxModelIsAttackedAsItsImportedNetwork() throws Exception {
        byte[] onnx = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..", "core", "src", "test", "resources", "onnx",
                "conv.onnx"));
        Network imported = io.robustcert.core.io.OnnxImport.read(new java.io.ByteArrayInputStream(onnx),
                io.robustcert.core.io.ModelFile.DEFAULT_MAX_BYTES).network();
        EvaluationReport direct = new Evaluator(EvaluationSettings.sound(PgdOptions.platformDefault(EPS).withSteps(20)
                .withRestarts(1), List.of())).evaluate(imported, data);
        AttackResponse r = attacker.attack(good().setModel(ByteString.copyFrom(onnx))
                .setModelFormat(io.robustcert.v1.ModelFormat.MODEL_FORMAT_ONNX).build());
        for (int i = 0; i < N; i++) {
            assertEquals(direct.samples().get(i).cleanCorrect(), r.getSamples(i).getCorrect(), "correct " + i);
            assertEquals(direct.samples().get(i).broken(), r.getSamples(i).getBroken(), "broken " + i);
        }
        // Read as the default safetensors format, the same bytes are a bad model, named as such.
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> attacker.attack(good().setModel(ByteString.copyFrom(onnx)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(StatusProto.fromThrowable(e).getDetailsList().stream().anyMatch(any -> {
            try {
                return any.is(BadRequest.class) && any.unpack(BadRequest.class).getFieldViolations(0).getField().equals("model");
            } catch (Exception unreadable) {
                return false;
            }
        }), e.toString());
    }

    @Test
    void everyBadFieldIsNamed() throws Exception {
        AttackRequest bad = good().setPerturbation(Perturbation.newBuilder().setEpsilon(-1))
                .setAttack(AttackSpec.newBuilder().setSteps(-2)).setLabels(1, 10).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> attacker.attack(bad));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        List<String> fields = null;
        for (Any any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(BadRequest.class)) {
                fields = any.unpack(BadRequest.class).getFieldViolationsList().stream()
                        .map(BadRequest.FieldViolation::getField).toList();
            }
        }
        assertEquals(List.of("perturbation.epsilon", "attack.steps", "labels[1]"), fields);
    }

    @Test
    void tooManyInputsOrTooBigAMessageIsResourceExhausted() {
        AttackRequest.Builder many = good();
        for (int i = 0; i < 35; i++) {
            many.addInputs(many.getInputs(0)).addLabels(many.getLabels(0));
        }
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> attacker.attack(many.build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooMany.getStatus().getCode());
        StatusRuntimeException big = assertThrows(StatusRuntimeException.class, () -> attacker.attack(
                good().setModel(ByteString.copyFrom(new byte[5 << 20])).build())); // the %test limit is 4 MiB
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getStatus().getCode());
    }

    @jakarta.inject.Inject
    io.robustcert.attack.grpc.InFlightRequests inFlight;

    /** With every permit taken, a request is refused at once, by reason; once one is free it is served. */
    @Test
    void beyondTheConcurrentRequestLimitARequestIsResourceExhaustedAndServedOnceAPermitIsFree() throws Exception {
        io.robustcert.attack.grpc.InFlightRequests.Permit first = inFlight.acquire();
        io.robustcert.attack.grpc.InFlightRequests.Permit second = inFlight.acquire();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> attacker.attack(good().build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            com.google.rpc.ErrorInfo info = io.grpc.protobuf.StatusProto.fromThrowable(e).getDetailsList().stream()
                    .filter(d -> d.is(com.google.rpc.ErrorInfo.class)).findFirst().orElseThrow()
                    .unpack(com.google.rpc.ErrorInfo.class);
            assertEquals("TOO_MANY_REQUESTS", info.getReason());
            assertEquals("2", info.getMetadataOrThrow("maxConcurrentRequests"));
        } finally {
            first.close();
        }
        try {
            assertEquals(N, attacker.attack(good().build()).getSamplesCount(), "served");
        } finally {
            second.close();
        }
    }
}
