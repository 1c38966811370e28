package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.CertifyModelResponse;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.SlopeRule;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of {@code certify --remote} against a scripted CertifierService on loopback: what the request
 * carries, and how each kind of answer becomes output and an exit code. The real service is exercised by the
 * integration tests; here the answers the real one rarely gives (an alarm, a malformed answer) are scripted.
 */
class RemoteCertifyTest {

    private Server server;
    private final AtomicReference<CertifyModelRequest> received = new AtomicReference<>();

    private String serve(Function<CertifyModelRequest, Object> answer) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new CertifierServiceGrpc.CertifierServiceImplBase() {
                    @Override
                    public void certifyModel(CertifyModelRequest request, StreamObserver<CertifyModelResponse> out) {
                        received.set(request);
                        Object a = answer.apply(request);
                        if (a instanceof Throwable t) {
                            out.onError(t);
                        } else {
                            out.onNext((CertifyModelResponse) a);
                            out.onCompleted();
                        }
                    }
                }).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Path model(Path dir) throws Exception {
        Path m = dir.resolve("m.safetensors");
        Files.write(m, new byte[] {1, 2, 3});
        return m;
    }

    private static ErrorRates.Builder row(double verified) {
        return ErrorRates.newBuilder().setEpsilon(0.1).setMode(ComputeMode.COMPUTE_MODE_SOUND).setSamples(50)
                .setStandardError(2).setPgdError(6).setVerifiedError(verified);
    }

    static CertifyModelResponse answer(boolean unsound) {
        return CertifyModelResponse.newBuilder()
                .addRates(row(30).setMethod(BoundMethod.BOUND_METHOD_IBP))
                .addRates(row(20).setMethod(BoundMethod.BOUND_METHOD_CROWN_IBP))
                .addRates(row(20).setMethod(BoundMethod.BOUND_METHOD_UNSPECIFIED))
                .setPassed(!unsound).setUnsound(unsound).build();
    }

    @Test
    void sendsTheOptionsAndPrintsTheTableWithTheLocalGate(@TempDir Path dir) throws Exception {
        String target = serve(r -> answer(false));
        Cli.Result r = Cli.run("certify", "--model", model(dir).toString(), "--data", "mnist:test", "--eps", "0.1",
                "--min-verified-accuracy", "0.75", "--max-pgd-error", "0.1", "--attack", "spec", "--steps", "40",
                "--seed", "9", "--slopes", "same", "--remote", target, "--out", dir.resolve("o").toString());
        CertifyModelRequest q = received.get();
        assertEquals("mnist", q.getDataset().getDataset());
        assertEquals("test", q.getDataset().getSplit());
        assertEquals(10_000, q.getDataset().getCount(), "no :N means the whole split");
        assertEquals(0.1, q.getEpsilons(0));
        assertEquals(0.25, q.getMaxVerifiedError(), 1e-12);
        assertEquals(0.1, q.getMaxPgdError());
        assertEquals(java.util.List.of(BoundMethod.BOUND_METHOD_IBP, BoundMethod.BOUND_METHOD_CROWN_IBP), q.getMethodsList());
        assertEquals(SlopeRule.SLOPE_RULE_SAME, q.getSlopeRule());
        assertEquals(ComputeMode.COMPUTE_MODE_SOUND, q.getMode());
        assertEquals(AttackSpec.Preset.PRESET_SPEC_EVALUATION, q.getAttack().getPreset());
        assertEquals(40, q.getAttack().getSteps());
        assertEquals(9, q.getAttack().getSeed());
        assertEquals(3, q.getModel().size());
        // Verified accuracy 0.80 ≥ 0.75 but PGD error 0.06 ≤ 0.1: a pass, decided by the same Gate as locally.
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("     50  0.1            2.00       6.00                   20.00  30.00        20.00"), r.out());
        assertTrue(r.out().contains("PASS (min verified accuracy 0.75, max PGD error 0.1)"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("o/report.json")) && Files.isRegularFile(dir.resolve("o/errors.png")));

        r = Cli.run("certify", "--model", model(dir).toString(), "--data", "mnist:test:50", "--eps", "0.1",
                "--min-verified-accuracy", "0.9", "--remote", target);
        assertEquals(50, received.get().getDataset().getCount());
        assertEquals(io.robustcert.v1.ModelFormat.MODEL_FORMAT_UNSPECIFIED, received.get().getModelFormat());
        assertEquals(Main.EXIT_FAIL, r.code(), r.toString());
        // A model named *.onnx goes as ONNX (the service imports it; CertifyTest in certifier-service).
        Path onnx = dir.resolve("net.onnx");
        Files.write(onnx, new byte[] {4, 5});
        Cli.run("certify", "--model", onnx.toString(), "--data", "mnist:test:50", "--eps", "0.1",
                "--min-verified-accuracy", "0.9", "--remote", target);
        assertEquals(io.robustcert.v1.ModelFormat.MODEL_FORMAT_ONNX, received.get().getModelFormat());
        assertEquals(2, received.get().getModel().size());
        assertTrue(r.out().contains("FAIL (min verified accuracy 0.9): verified accuracy 0.8000 is below the minimum 0.9000"), r.out());
    }

    @Test
    void anAlarmOfTheServiceIsExitThreeEvenBelowTheThreshold(@TempDir Path dir) throws Exception {
        String target = serve(r -> answer(true));
        Cli.Result r = Cli.run("certify", "--model", model(dir).toString(), "--data", "mnist:test:50", "--eps", "0.1",
                "--min-verified-accuracy", "0.99", "--remote", target);
        assertEquals(Main.EXIT_UNSOUND, r.code(), r.toString());
        assertTrue(r.err().contains("UNSOUND"), r.err());
        assertTrue(r.out().contains("UNSOUND"), r.out());
    }

    @Test
    void refusalsBecomeExitTwoWithTheFieldAndMalformedAnswersAnInternalError(@TempDir Path dir) throws Exception {
        String target = serve(q -> q.getEpsilons(0) > 0.5
                ? StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                        .setMessage("the request has 1 problem").addDetails(Any.pack(BadRequest.newBuilder()
                                .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("model")
                                        .setDescription("not a safetensors file")).build())).build())
                : CertifyModelResponse.newBuilder().addRates(row(20).setMethod(BoundMethod.BOUND_METHOD_IBP)).build());
        Cli.Result r = Cli.run("certify", "--model", model(dir).toString(), "--data", "mnist:test:50", "--eps", "0.6",
                "--min-verified-accuracy", "0", "--remote", target);
        assertEquals(Main.EXIT_USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("INVALID_ARGUMENT") && r.err().contains("model: not a safetensors file"), r.err());

        r = Cli.run("certify", "--model", model(dir).toString(), "--data", "mnist:test:50", "--eps", "0.1",
                "--min-verified-accuracy", "0", "--remote", target);
        assertEquals(Main.EXIT_INTERNAL, r.code(), r.toString());
        assertTrue(r.err().contains("lacks rows"), r.err());
    }

    @Test
    void badTargetsAndOptionsTheServiceCannotHonourAreUsageErrors(@TempDir Path dir) throws Exception {
        for (String[] bad : new String[][] {{"--remote", "nohostport"}, {"--remote", "h:99999"}, {"--remote", "h:1",
                "--loss", "ce"}, {"--remote", "h:1", "--method", "crown-ibp-ours"}, {"--remote", "h:1", "--remote-timeout", "0"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("certify", "--model",
                    model(dir).toString(), "--data", "mnist:test:5", "--eps", "0.1", "--min-verified-accuracy", "0"));
            args.addAll(java.util.List.of(bad));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", bad) + ": " + r);
        }
    }
}
