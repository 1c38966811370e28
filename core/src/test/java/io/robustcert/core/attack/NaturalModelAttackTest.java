package io.robustcert.core.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.testing.RealMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PGD on a naturally trained mnist_small (committed fixture, about 98% clean accuracy) and the first
 * test images of real MNIST: such a model has no robustness at ε = 0.3, iterating beats one step, and more
 * restarts never break fewer samples.
 */
class NaturalModelAttackTest {

    static final int N = 200;
    private static Network model;
    private static Dataset data;
    private static double[][] x;
    private static int[] y;

    @BeforeAll
    static void load() {
        model = RealMnist.naturalModel();
        data = RealMnist.test(N);
        x = RealMnist.inputs(data);
        y = data.labels();
    }

    @Test
    void pgdAtEpsilonPointThreeBreaksAtLeastNinetyPercent() {
        PgdResult r = new Pgd(PgdOptions.specEvaluation(0.3)).attack(model, x, y);
        System.out.println("spec PGD at eps 0.3 on " + data + ": error " + r.error());
        assertTrue(r.error() >= 0.90, "PGD error " + r.error());
        for (PgdResult.Sample s : r.samples()) {
            if (s.broken()) {
                assertTrue(Pgd.misclassified(s.logits(), s.label()));
            }
        }
    }

    @Test
    void pgdErrorIsAtLeastFgsmError() {
        for (double eps : new double[] {0.05, 0.1, 0.3}) {
            PgdResult fgsm = new Pgd(PgdOptions.fgsm(eps)).attack(model, x, y);
            PgdResult pgd = new Pgd(PgdOptions.specEvaluation(eps)).attack(model, x, y);
            System.out.println("eps " + eps + ": FGSM " + fgsm.error() + ", PGD (spec) " + pgd.error());
            assertTrue(pgd.error() >= fgsm.error(), "eps " + eps + ": PGD " + pgd.error() + " < FGSM " + fgsm.error());
        }
    }

    @Test
    void restartsNeverLowerTheError() {
        double eps = 0.08;
        PgdOptions base = PgdOptions.platformDefault(eps).withSteps(5).withSeed(3);
        boolean[] previous = null;
        for (int restarts : new int[] {1, 2, 4}) {
            boolean[] broken = new Pgd(base.withRestarts(restarts)).attack(model, x, y).brokenFlags();
            int count = 0;
            for (int i = 0; i < broken.length; i++) {
                count += broken[i] ? 1 : 0;
                if (previous != null) {
                    assertTrue(broken[i] || !previous[i], "sample " + i + " broken with fewer restarts, not with "
                            + restarts);
                }
            }
            System.out.println("eps " + eps + ", " + restarts + " restart(s): " + count + " of " + N + " broken");
            previous = broken;
        }
    }
}
