package io.robustcert.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.attack.ExactBall;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.AlwaysVerified;
import io.robustcert.core.testing.RealMnist;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The evaluation on the naturally trained mnist_small and real MNIST test images. */
class EvaluatorTest {

    static final int N = 40;
    private static Network model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = RealMnist.naturalModel();
        data = RealMnist.test(N);
    }

    @Test
    void soundBoundsAtSmallEpsilonGiveAConsistentTable() {
        double eps = 0.01;
        EvaluationSettings settings = new EvaluationSettings(PgdOptions.platformDefault(eps).withSteps(20)
                .withRestarts(2), List.of(new Ibp(), new CrownIbp()), Precision.SOUND, 16);
        EvaluationReport report = new Evaluator(settings).evaluate(model, data);
        ErrorTable t = report.table();
        System.out.println("mnist_small (natural) at eps " + eps + ": " + t);
        assertFalse(report.unsound(), () -> "alarms: " + report.alarms());
        assertEquals(N, t.samples());
        assertEquals(N, report.samples().size());
        int wrong = 0;
        int broken = 0;
        int ibp = 0;
        int crownIbp = 0;
        int any = 0;
        for (int i = 0; i < N; i++) {
            SampleVerdict v = report.samples().get(i);
            assertEquals(i, v.index());
            assertEquals(data.label(i), v.label());
            assertEquals(v.cleanPrediction() == v.label(), v.cleanCorrect());
            assertEquals(v.lowestAttackMargin() <= 0, v.broken());
            if (!v.cleanCorrect()) {
                assertTrue(v.broken(), "a misclassified clean input counts as broken");
            }
            if (v.broken()) {
                assertTrue(ExactBall.contains(data.imageAsDoubles(i), v.adversarial(), eps, settings.attack().domain()));
                assertTrue(v.adversarialPrediction() != v.label());
            } else {
                assertNull(v.adversarial());
            }
            wrong += v.cleanCorrect() ? 0 : 1;
            broken += v.broken() ? 1 : 0;
            ibp += v.verifiedBy().get("ibp") ? 0 : 1;
            crownIbp += v.verifiedBy().get("crown-ibp") ? 0 : 1;
            any += v.verified() ? 0 : 1;
        }
        assertEquals(100.0 * wrong / N, t.standardError(), 1e-12);
        assertEquals(100.0 * broken / N, t.pgdError(), 1e-12);
        assertEquals(100.0 * any / N, t.verifiedError(), 1e-12);
        assertEquals(100.0 * ibp / N, t.verifiedByMethod().get("ibp"), 1e-12);
        assertEquals(100.0 * crownIbp / N, t.verifiedByMethod().get("crown-ibp"), 1e-12);
        assertEquals(List.of("ibp", "crown-ibp"), List.copyOf(t.verifiedByMethod().keySet()));
        assertTrue(t.standardError() <= t.pgdError() && t.pgdError() <= t.verifiedError());
        assertTrue(t.verifiedError() <= Math.min(t.verifiedByMethod().get("ibp"), t.verifiedByMethod().get("crown-ibp")));
        assertTrue(t.verifiedError() < 100.0, "some samples verify at eps 0.01 on this model");
    }

    @Test
    void aBrokenBoundMethodRaisesTheAlarmAndKeepsTheSamples() throws Exception {
        double eps = 0.3;
        EvaluationSettings settings = new EvaluationSettings(PgdOptions.specEvaluation(eps),
                List.of(new Ibp(), new AlwaysVerified()), Precision.SOUND, 32);
        EvaluationReport report = new Evaluator(settings).evaluate(model, data);
        assertTrue(report.unsound());
        assertFalse(report.alarms().isEmpty());
        long broken = report.samples().stream().filter(SampleVerdict::broken).count();
        assertEquals(broken, report.alarms().size(), "one alarm per broken sample");
        assertEquals(broken, report.table().unsound());
        for (SoundnessAlarm a : report.alarms()) {
            assertEquals("always-verified", a.method());
            assertEquals("sound", a.precision());
            assertArrayEquals(data.imageAsDoubles(a.sample()), a.input());
            assertTrue(ExactBall.contains(a.input(), a.adversarial(), eps, settings.attack().domain()));
            double[] z = model.forward(Nd4j.createFromArray(new double[][] {a.adversarial()}), Precision.SOUND)
                    .toDoubleMatrix()[0];
            // Same point, another batch: the summation order may differ in the last bits.
            assertArrayEquals(z, a.adversarialLogits(), 1e-12 * (1 + Math.abs(z[a.label()])));
            assertTrue(Evaluator.argmax(z) != a.label());
        }
        Gate.Decision d = new Gate(0.0, null).decide(report);
        assertEquals(Gate.Outcome.UNSOUND, d.outcome());

        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report));
        assertTrue(json.get("unsound").asBoolean());
        assertEquals(report.alarms().size(), json.get("alarms").size());
        assertEquals(784, json.get("alarms").get(0).get("adversarial").size());
        assertEquals(N, json.get("samples").size());
        assertEquals(report.table().pgdError(), json.get("table").get("pgdError").asDouble());
        assertEquals(true, json.get("samples").get(0).get("verifiedBy").get("always-verified").asBoolean());
    }

    @Test
    void attackOnlyHasNoVerifiedColumn() {
        EvaluationReport report = new Evaluator(new EvaluationSettings(PgdOptions.fgsm(0.1), List.of(), Precision.SOUND,
                64)).evaluate(model, data);
        assertNull(report.table().verifiedError());
        assertTrue(report.table().verifiedByMethod().isEmpty());
        assertFalse(report.unsound());
    }

    @Test
    void gateDecisions() {
        ErrorTable table = new ErrorTable(10, 0.1, "sound", 5.0, 20.0, 40.0, java.util.Map.of("ibp", 40.0), 0);
        EvaluationReport r = new EvaluationReport("t", List.of("ibp"), PgdOptions.fgsm(0.1), table, List.of(),
                List.of(), false);
        assertEquals(Gate.Outcome.PASS, new Gate(0.6, 0.2).decide(r).outcome());
        assertEquals(Gate.Outcome.FAIL, new Gate(0.61, null).decide(r).outcome());
        assertEquals(Gate.Outcome.FAIL, new Gate(0.5, 0.19).decide(r).outcome());
        assertEquals(2, new Gate(0.7, 0.1).decide(r).reasons().size());
        assertThrows(IllegalArgumentException.class, () -> new Gate(1.5, null));
        assertThrows(IllegalArgumentException.class, () -> new Gate(0.5, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new Gate(Double.NaN, null));
    }

    @Test
    void settingsRefuseDuplicateMethodsAndBadBatchSizes() {
        assertThrows(IllegalArgumentException.class, () -> new EvaluationSettings(PgdOptions.fgsm(0.1),
                List.of(new Ibp(), new Ibp()), Precision.SOUND, 8));
        assertThrows(IllegalArgumentException.class, () -> new EvaluationSettings(PgdOptions.fgsm(0.1), List.of(),
                Precision.SOUND, 0));
    }
}
