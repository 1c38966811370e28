package io.robustcert.certifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.io.LabeledInputs;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.Safetensors;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyRequest;
import io.robustcert.v1.CertifyResponse;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.Input;
import io.robustcert.v1.MethodResult;
import io.robustcert.v1.ModelFormat;
import io.robustcert.v1.Perturbation;
import io.robustcert.v1.SlopeRule;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Certify over a real gRPC channel on loopback: the same bounds as core, and every bad input refused by field. */
@QuarkusTest
class CertifyTest {

    static final Path EXAMPLES = Path.of("..", "examples");
    /** ONNX files from PyTorch's exporter, the core's fixtures (core/src/test/resources/onnx/make_fixtures.py). */
    static final Path ONNX = Path.of("..", "core", "src", "test", "resources", "onnx");
    static final double EPS = 0.005;
    static final int COUNT = 6;

    static byte[] model;
    static String architecture;
    static LabeledInputs inputs;
    static Network network;

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;
    CertifierServiceGrpc.CertifierServiceBlockingStub certifier;

    @BeforeAll
    static void loadExamples() throws Exception {
        model = Files.readAllBytes(EXAMPLES.resolve("mnist_small_random.safetensors"));
        architecture = Files.readString(EXAMPLES.resolve("mnist_small.arch.json"));
        network = ModelFile.read(new java.io.ByteArrayInputStream(model), ModelFile.DEFAULT_MAX_BYTES, architecture).network();
        try (InputStream in = Files.newInputStream(EXAMPLES.resolve("mnist_small_inputs.json"))) {
            LabeledInputs all = LabeledInputs.read(in, network.inputSize(), network.numClasses(), 1L << 24);
            inputs = new LabeledInputs(Arrays.copyOf(all.inputs(), COUNT), Arrays.copyOf(all.labels(), COUNT));
        }
    }

    @BeforeEach
    void connect() {
        channel = CertifierClient.channel(url.getPort());
        certifier = CertifierServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        CertifierClient.close(channel);
    }

    static CertifyRequest.Builder good() {
        CertifyRequest.Builder b = CertifyRequest.newBuilder().setModel(ByteString.copyFrom(model))
                .setArchitectureJson(architecture).setPerturbation(Perturbation.newBuilder().setEpsilon(EPS));
        for (int i = 0; i < inputs.size(); i++) {
            b.addInputs(input(inputs.inputs()[i])).addLabels(inputs.labels()[i]);
        }
        return b;
    }

    static Input input(double[] values) {
        Input.Builder b = Input.newBuilder();
        for (double v : values) {
            b.addValues(v);
        }
        return b.build();
    }

    @Test
    void soundByDefaultWithTheSameBoundsAsCore() {
        CertifyResponse response = certifier.certify(good().build());
        assertEquals(2, response.getResultsCount(), "IBP and CROWN-IBP by default");
        LinfBall ball = new LinfBall(EPS, InputDomain.UNIT);
        assertSame(new Ibp().compute(network, inputs.tensor(), inputs.labels(), ball, Precision.SOUND),
                response.getResults(0), BoundMethod.BOUND_METHOD_IBP);
        assertSame(new CrownIbp(FixedSlopeRule.ADAPTIVE).compute(network, inputs.tensor(), inputs.labels(), ball, Precision.SOUND),
                response.getResults(1), BoundMethod.BOUND_METHOD_CROWN_IBP);
        assertEquals(SlopeRule.SLOPE_RULE_ADAPTIVE, response.getResults(1).getSlopeRule());
    }

    @Test
    void fastModeAndAChosenMethodAndDomain() {
        CertifyResponse response = certifier.certify(good().clearMethods().addMethods(BoundMethod.BOUND_METHOD_CROWN)
                .setSlopeRule(SlopeRule.SLOPE_RULE_ZERO).setMode(ComputeMode.COMPUTE_MODE_FAST)
                .setPerturbation(Perturbation.newBuilder().setEpsilon(EPS).setUnbounded(true)).build());
        MarginBounds expected = new io.robustcert.core.bound.Crown(FixedSlopeRule.ZERO)
                .compute(network, inputs.tensor(), inputs.labels(), new LinfBall(EPS, InputDomain.UNBOUNDED), Precision.FAST);
        assertEquals(ComputeMode.COMPUTE_MODE_FAST, response.getResults(0).getMode());
        assertSame(expected, response.getResults(0), BoundMethod.BOUND_METHOD_CROWN);
    }

    private static void assertSame(MarginBounds expected, MethodResult actual, BoundMethod method) {
        assertEquals(method, actual.getMethod());
        assertEquals(EPS, actual.getEpsilon());
        assertEquals(expected.size(), actual.getSamplesCount());
        for (int i = 0; i < expected.size(); i++) {
            double[] got = actual.getSamples(i).getMarginLowerBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
            assertArrayEquals(expected.lowerRow(i), got, 0.0, "sample " + i);
            assertEquals(expected.verified(i), actual.getSamples(i).getVerified(), "sample " + i);
        }
        assertEquals(expected.verifiedCount(), actual.getVerifiedCount());
        assertEquals((double) expected.verifiedCount() / expected.size(), actual.getVerifiedFraction());
    }

    private List<String> invalidFields(CertifyRequest request) throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> certifier.certify(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, CertifierClient.code(e), e.toString());
        assertEquals("INVALID_REQUEST", CertifierClient.errorInfo(e).getReason());
        assertEquals("certifier.robustcert.io", CertifierClient.errorInfo(e).getDomain());
        return CertifierClient.violatedFields(e);
    }

    @Test
    void negativeOrNanEpsilon() throws Exception {
        assertEquals(List.of("perturbation.epsilon"),
                invalidFields(good().setPerturbation(Perturbation.newBuilder().setEpsilon(-0.1)).build()));
        assertEquals(List.of("perturbation.epsilon"),
                invalidFields(good().setPerturbation(Perturbation.newBuilder().setEpsilon(Double.NaN)).build()));
        assertEquals(List.of("perturbation"), invalidFields(good().clearPerturbation().build()));
        assertEquals(List.of("perturbation.domain_high"), invalidFields(good()
                .setPerturbation(Perturbation.newBuilder().setEpsilon(EPS).setDomainLow(1).setDomainHigh(0)).build()));
    }

    @Test
    void wrongInputLengthNonFiniteValuesAndValuesOutsideTheDomain() throws Exception {
        double[] nan = inputs.inputs()[2].clone();
        nan[7] = Double.NaN;
        double[] outside = inputs.inputs()[4].clone();
        outside[9] = 1.5;
        CertifyRequest request = good().setInputs(1, input(new double[] {0.5, 0.5})).setInputs(2, input(nan))
                .setInputs(4, input(outside)).build();
        assertEquals(List.of("inputs[1]", "inputs[2].values[7]", "inputs[4].values[9]"), invalidFields(request));
        assertEquals(List.of("inputs", "labels"), invalidFields(good().clearInputs().build()).stream().sorted().toList());
    }

    @Test
    void labelsOutOfRangeOrMissing() throws Exception {
        assertEquals(List.of("labels[0]", "labels[3]"), invalidFields(good().setLabels(0, 10).setLabels(3, -1).build()));
        assertEquals(List.of("labels"), invalidFields(good().addLabels(1).build()));
    }

    @Test
    void unknownMethodModeOrSlopeRule() throws Exception {
        assertEquals(List.of("methods[1]"), invalidFields(good().addMethods(BoundMethod.BOUND_METHOD_IBP).addMethodsValue(42).build()));
        assertEquals(List.of("methods[0]"), invalidFields(good().addMethods(BoundMethod.BOUND_METHOD_UNSPECIFIED).build()));
        assertEquals(List.of("mode"), invalidFields(good().setModeValue(7).build()));
        assertEquals(List.of("slope_rule"), invalidFields(good().setSlopeRuleValue(9).build()));
        assertEquals(List.of("request_id"), invalidFields(good().setRequestId("not-a-uuid").build()));
    }

    @Test
    void anOnnxModelIsCertifiedAsItsImportedNetwork() throws Exception {
        byte[] onnx = Files.readAllBytes(ONNX.resolve("conv.onnx"));
        Network imported = io.robustcert.core.io.OnnxImport.read(new java.io.ByteArrayInputStream(onnx),
                ModelFile.DEFAULT_MAX_BYTES).network();
        CertifyResponse response = certifier.certify(good().clearArchitectureJson().setModel(ByteString.copyFrom(onnx))
                .setModelFormat(ModelFormat.MODEL_FORMAT_ONNX).build());
        LinfBall ball = new LinfBall(EPS, InputDomain.UNIT);
        assertSame(new Ibp().compute(imported, inputs.tensor(), inputs.labels(), ball, Precision.SOUND),
                response.getResults(0), BoundMethod.BOUND_METHOD_IBP);
        assertSame(new CrownIbp().compute(imported, inputs.tensor(), inputs.labels(), ball, Precision.SOUND),
                response.getResults(1), BoundMethod.BOUND_METHOD_CROWN_IBP);
        // An architecture with an ONNX graph, ONNX bytes read as safetensors, an unknown format: field violations.
        assertEquals(List.of("architecture_json"), invalidFields(good().setModel(ByteString.copyFrom(onnx))
                .setModelFormat(ModelFormat.MODEL_FORMAT_ONNX).build()));
        assertEquals(List.of("model"), invalidFields(good().clearArchitectureJson().setModel(ByteString.copyFrom(onnx)).build()));
        assertEquals(List.of("model_format"), invalidFields(good().setModelFormatValue(99).build()));
        byte[] pool = Files.readAllBytes(ONNX.resolve("maxpool.onnx"));
        assertEquals(List.of("model"), invalidFields(good().clearArchitectureJson().setModel(ByteString.copyFrom(pool))
                .setModelFormat(ModelFormat.MODEL_FORMAT_ONNX).build()));
    }

    @Test
    void malformedSafetensors() throws Exception {
        assertEquals(List.of("model"), invalidFields(good().setModel(ByteString.copyFrom(model, 0, model.length / 2)).build()));
        assertEquals(List.of("model"), invalidFields(good().setModel(ByteString.copyFromUtf8("not a model at all")).build()));
        assertEquals(List.of("model"), invalidFields(good().clearModel().build()));
        assertEquals(List.of("architecture_json"), invalidFields(good().setArchitectureJson("{\"layers\": 3}").build()));
    }

    @Test
    void nanWeights() throws Exception {
        String arch = "{\"input_shape\":[4],\"layers\":[{\"type\":\"linear\",\"out\":3}]}";
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", new Safetensors.Tensor("F32", new long[] {3, 4},
                new double[] {1, 0, 0, 0, 0, Double.NaN, 0, 0, 0, 0, 1, 0}));
        tensors.put("0.bias", new Safetensors.Tensor("F32", new long[] {3}, new double[] {0, 0, 0}));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Safetensors.writeF32(bytes, tensors, Map.of(ModelFile.ARCHITECTURE_KEY, arch));
        CertifyRequest request = CertifyRequest.newBuilder().setModel(ByteString.copyFrom(bytes.toByteArray()))
                .setPerturbation(Perturbation.newBuilder().setEpsilon(0.1)).addInputs(input(new double[] {0.1, 0.2, 0.3, 0.4}))
                .addLabels(0).build();
        assertEquals(List.of("model"), invalidFields(request));
    }

    @Test
    void everyViolationAtOnce() throws Exception {
        UnaryOperator<CertifyRequest.Builder> broken = b -> b.setPerturbation(Perturbation.newBuilder().setEpsilon(-1))
                .addMethodsValue(99).setLabels(2, 11);
        assertEquals(List.of("perturbation.epsilon", "methods[0]", "labels[2]"), invalidFields(broken.apply(good()).build()));
    }

    @Test
    void oversizedMessageIsResourceExhausted() {
        byte[] big = new byte[5 << 20]; // the %test limit is 4 MiB
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> certifier.certify(good().setModel(ByteString.copyFrom(big)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, CertifierClient.code(e), e.toString());
    }

    @Test
    void tooManyInputsIsResourceExhausted() throws Exception {
        CertifyRequest.Builder b = good();
        for (int i = 0; i < 64; i++) { // the %test limit is 64 inputs
            b.addInputs(input(inputs.inputs()[0])).addLabels(inputs.labels()[0]);
        }
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> certifier.certify(b.build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, CertifierClient.code(e));
        assertEquals("TOO_MANY_INPUTS", CertifierClient.errorInfo(e).getReason());
        assertEquals("64", CertifierClient.errorInfo(e).getMetadataOrThrow("maxInputs"));
    }

    @jakarta.inject.Inject
    io.robustcert.certifier.grpc.InFlightRequests inFlight;

    /** With every permit taken, a request is refused at once, by reason; once one is free it is served. */
    @Test
    void beyondTheConcurrentRequestLimitARequestIsResourceExhaustedAndServedOnceAPermitIsFree() throws Exception {
        io.robustcert.certifier.grpc.InFlightRequests.Permit first = inFlight.acquire();
        io.robustcert.certifier.grpc.InFlightRequests.Permit second = inFlight.acquire();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> certifier.certify(good().build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, CertifierClient.code(e));
            assertEquals("TOO_MANY_REQUESTS", CertifierClient.errorInfo(e).getReason());
            assertEquals("2", CertifierClient.errorInfo(e).getMetadataOrThrow("maxConcurrentRequests"));
        } finally {
            first.close();
        }
        try {
            assertEquals(2, certifier.certify(good().build()).getResultsCount(), "served: IBP and CROWN-IBP");
        } finally {
            second.close();
        }
    }
}
