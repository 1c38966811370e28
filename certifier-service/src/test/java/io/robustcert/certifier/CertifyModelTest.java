package io.robustcert.certifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.CertifyModelResponse;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CertifyModel over gRPC: core's evaluation and gate on catalog samples; bad fields named, big requests refused. */
@QuarkusTest
class CertifyModelTest {

    static final int N = 40;
    static final double EPS = 0.01;
    static ByteString model;
    static ErrorTable expected;

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;
    CertifierServiceGrpc.CertifierServiceBlockingStub certifier;

    @BeforeAll
    static void evaluateDirectly() throws Exception {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = ByteString.readFrom(in);
        }
        PgdOptions attack = PgdOptions.platformDefault(EPS).withSteps(20).withRestarts(1);
        expected = new Evaluator(EvaluationSettings.sound(attack, List.of(new Ibp(), new CrownIbp())))
                .evaluate(RealMnist.naturalModel(), RealMnist.test(N)).table();
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

    static CertifyModelRequest.Builder good() {
        return CertifyModelRequest.newBuilder().setModel(model)
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(N))
                .addEpsilons(EPS).setAttack(AttackSpec.newBuilder().setSteps(20).setRestarts(1));
    }

    @Test
    void theTableIsCoresEvaluationAndTheGateHoldsOrNot() {
        CertifyModelResponse r = certifier.certifyModel(good().setMaxVerifiedError(expected.verifiedError() / 100).build());
        assertEquals(3, r.getRatesCount(), r.toString());
        for (ErrorRates row : r.getRatesList()) {
            assertEquals(N, row.getSamples());
            assertEquals(EPS, row.getEpsilon());
            assertEquals(expected.standardError(), row.getStandardError());
            assertEquals(expected.pgdError(), row.getPgdError());
        }
        assertEquals(BoundMethod.BOUND_METHOD_IBP, r.getRates(0).getMethod());
        assertEquals(expected.verifiedByMethod().get("ibp"), r.getRates(0).getVerifiedError());
        assertEquals(expected.verifiedByMethod().get("crown-ibp"), r.getRates(1).getVerifiedError());
        assertEquals(expected.verifiedError(), r.getRates(2).getVerifiedError());
        assertTrue(r.getPassed(), r.getReasonsList().toString());
        assertFalse(r.getUnsound());

        assertTrue(expected.verifiedError() > 0, "the test needs samples that are not verified");
        CertifyModelResponse strict = certifier.certifyModel(good().setMaxVerifiedError(0).build());
        assertFalse(strict.getPassed());
        assertEquals(1, strict.getReasonsCount(), strict.getReasonsList().toString());
        assertTrue(strict.getReasons(0).contains("verified accuracy"), strict.getReasons(0));
    }

    @Test
    void everyBadFieldIsNamed() throws Exception {
        CertifyModelRequest bad = good().setModel(ByteString.copyFromUtf8("not a model")).setEpsilons(0, -1)
                .addMethodsValue(99).setMaxVerifiedError(2)
                .setDataset(DatasetSlice.newBuilder().setDataset("nope").setSplit("test").setCount(3))
                .setAttack(AttackSpec.newBuilder().setRestarts(0)).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> certifier.certifyModel(bad));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(List.of("dataset.dataset", "epsilons[0]", "methods[0]", "max_verified_error", "attack.restarts",
                "model"), CertifierClient.violatedFields(e));
    }

    @Test
    void tooManySamplesOrTooBigAMessageIsResourceExhausted() throws Exception {
        StatusRuntimeException many = assertThrows(StatusRuntimeException.class, () -> certifier.certifyModel(
                good().setDataset(DatasetSlice.newBuilder().setDataset("mnist").setCount(65)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, many.getStatus().getCode());
        assertEquals("TOO_MANY_INPUTS", CertifierClient.errorInfo(many).getReason());
        StatusRuntimeException big = assertThrows(StatusRuntimeException.class, () -> certifier.certifyModel(
                good().setModel(ByteString.copyFrom(new byte[5 << 20])).build())); // the %test limit is 4 MiB
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getStatus().getCode());
    }
}
