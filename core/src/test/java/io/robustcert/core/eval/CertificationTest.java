package io.robustcert.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.RealMnist;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Certification and attack run apart, joined by ErrorTable, give the evaluator's verdicts and table. */
class CertificationTest {

    @Test
    void certificationJoinedWithAnAttackOnlyRunEqualsTheEvaluator() {
        Network model = RealMnist.naturalModel();
        Dataset data = RealMnist.test(24);
        double eps = 0.01;
        List<BoundMethod> methods = List.of(new Ibp(), new CrownIbp());
        PgdOptions attack = PgdOptions.platformDefault(eps).withSteps(10).withRestarts(1);
        EvaluationReport whole = new Evaluator(new EvaluationSettings(attack, methods, Precision.SOUND, 10))
                .evaluate(model, data);
        EvaluationReport attackOnly = new Evaluator(new EvaluationSettings(attack, List.of(), Precision.SOUND, 10))
                .evaluate(model, data);
        // a different batch size: the verdicts do not depend on it
        Certification.Result certified = new Certification(methods, new EvaluationSettings(attack, methods,
                Precision.SOUND, 7).ball(), Precision.SOUND, 7).certify(model, RealMnist.inputs(data), data.labels());

        boolean[] broken = new boolean[data.size()];
        boolean[] correct = new boolean[data.size()];
        Map<String, boolean[]> expected = new LinkedHashMap<>();
        methods.forEach(m -> expected.put(m.label(), new boolean[data.size()]));
        for (int i = 0; i < data.size(); i++) {
            SampleVerdict v = whole.samples().get(i);
            broken[i] = attackOnly.samples().get(i).broken();
            correct[i] = v.cleanCorrect();
            for (BoundMethod m : methods) {
                expected.get(m.label())[i] = v.verifiedBy().get(m.label());
            }
        }
        assertArrayEquals(correct, certified.correct());
        for (BoundMethod m : methods) {
            assertArrayEquals(expected.get(m.label()), certified.verified(m.label()), m.label());
        }
        assertEquals(whole.table(), ErrorTable.of(certified.correct(), broken, certified.verifiedBy(), eps, "sound"));
    }

    @Test
    void mismatchedLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ErrorTable.of(new boolean[2], new boolean[3], Map.of(), 0.1,
                "sound"));
        assertThrows(IllegalArgumentException.class, () -> ErrorTable.of(new boolean[2], new boolean[2],
                Map.of("ibp", new boolean[1]), 0.1, "sound"));
    }
}
