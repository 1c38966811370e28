package io.robustcert.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.data.Dataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The loop: determinism, resume equals uninterrupted, every method trains, bad configurations refused. */
class TrainerTest {

    static final String TINY = "{\"input_shape\": [1, 6, 6], \"layers\": ["
            + "{\"type\": \"conv2d\", \"out\": 3, \"kernel\": 3, \"stride\": 2, \"padding\": 1}, {\"type\": \"relu\"},"
            + "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 8}, {\"type\": \"relu\"},"
            + "{\"type\": \"linear\", \"out\": 3}]}";

    /** Three classes told apart by which third of the image is bright. */
    static Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 36];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(3);
            labels[i] = (byte) y;
            for (int k = 0; k < 36; k++) {
                int col = k % 6;
                int v = (col / 2 == y ? 180 : 40) + r.nextInt(60);
                pixels[i * 36 + k] = (byte) v;
            }
        }
        return new Dataset("synthetic", 1, 6, 6, 3, pixels, labels, List.of());
    }

    static TrainingConfig config(String method, int epochs) {
        return TrainingConfig.of(null, List.of(Map.of("model", TINY, "method", method, "epochs", Integer.toString(epochs),
                "batch_size", "16", "lr", "5e-3", "epsilon", "0.1", "schedule_start", "1", "schedule_length", "2"),
                Map.of("eval_limit", "40", "seed", "7", "smoothness_every", "12")));
    }

    static TrainingState run(Trainer trainer, TrainingState state, int epochs) {
        while (state.epochsDone() < epochs) {
            trainer.runEpoch(state, new Trainer.Listener() { });
        }
        return state;
    }

    static void assertSameWeights(TrainingState a, TrainingState b) {
        for (int i = 0; i < a.model().parameters().size(); i++) {
            INDArray x = a.model().parameters().get(i);
            INDArray y = b.model().parameters().get(i);
            assertArrayEquals(x.data().asFloat(), y.data().asFloat(), 0f, a.model().names().get(i));
        }
    }

    @ParameterizedTest
    @CsvSource({"ibp", "crown-ibp", "cap", "ours"})
    void sameSeedSameWeightsAndResumeEqualsUninterrupted(String method) throws Exception {
        Dataset train = data(96, 1);
        Dataset test = data(40, 2);
        TrainingConfig c = config(method, 3);
        Trainer trainer = new Trainer(c, train, test);
        TrainingState a = run(trainer, trainer.start(), 3);
        // A second run from the same seed, interrupted after epoch 2, saved, restored and continued: equal to
        // the first bit for bit (which also shows that the same seed gives the same weights).
        TrainingState first = run(trainer, trainer.start(), 2);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        TrainingCheckpoint.write(first, c, train, model, state);
        TrainingState resumed = TrainingCheckpoint.read(trainer, c, new ByteArrayInputStream(model.toByteArray()),
                new ByteArrayInputStream(state.toByteArray()));
        assertEquals(2, resumed.epochsDone());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.writeValueAsString(first.history()), json.writeValueAsString(resumed.history()));
        run(trainer, resumed, 3);
        assertSameWeights(a, resumed);

        EpochMetrics last = a.history().get(2);
        assertEquals(0.1, last.epsilon(), 1e-12);
        assertTrue(Double.isFinite(last.meanLoss()));
        assertTrue(!last.smoothness().isEmpty() && last.smoothness().get(0).loss().length == 12);
    }

    /**
     * A state written before a setting existed (micro_batch, here stripped from the state's settings)
     * resumes when the setting is at its default, and is refused when it is not.
     */
    @Test
    void aStateWithoutANewerSettingResumesAtItsDefaultOnly() throws Exception {
        Dataset train = data(64, 5);
        TrainingConfig c = config("ibp", 2);
        Trainer trainer = new Trainer(c, train, data(40, 6));
        TrainingState one = run(trainer, trainer.start(), 1);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        TrainingCheckpoint.write(one, c, train, model, state);
        io.robustcert.core.io.Safetensors.Contents contents = io.robustcert.core.io.Safetensors.read(
                new ByteArrayInputStream(state.toByteArray()), 1L << 30);
        ObjectMapper json = new ObjectMapper();
        Map<String, String> settings = json.readValue(contents.metadata().get("settings"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
        assertEquals("0", settings.remove("micro_batch"));
        Map<String, String> meta = new java.util.LinkedHashMap<>(contents.metadata());
        meta.put("settings", json.writeValueAsString(settings));
        ByteArrayOutputStream older = new ByteArrayOutputStream();
        io.robustcert.core.io.Safetensors.writeF32(older, contents.tensors(), meta);

        TrainingState resumed = TrainingCheckpoint.read(trainer, c, new ByteArrayInputStream(model.toByteArray()),
                new ByteArrayInputStream(older.toByteArray()));
        assertEquals(1, resumed.epochsDone());
        TrainingConfig sliced = TrainingConfig.of(null, List.of(c.settings(), Map.of("micro_batch", "8")));
        io.robustcert.core.io.ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.robustcert.core.io.ModelFormatException.class, () -> TrainingCheckpoint.read(new Trainer(sliced, train,
                        data(40, 6)), sliced, new ByteArrayInputStream(model.toByteArray()),
                        new ByteArrayInputStream(older.toByteArray())));
        assertTrue(e.getMessage().contains("micro_batch"), e.getMessage());
    }

    @Test
    void ibpTrainingLearnsTheSyntheticTask() {
        Dataset train = data(192, 3);
        TrainingConfig c = TrainingConfig.of(null, List.of(config("ibp", 8).settings(), Map.of("smoothness_every", "0")));
        Trainer trainer = new Trainer(c, train, data(40, 4));
        TrainingState s = run(trainer, trainer.start(), 8);
        EpochMetrics last = s.history().get(7);
        assertTrue(last.cleanError() < 0.2, "clean error " + last.cleanError());
        assertTrue(last.ibpVerifiedError() < 0.6, "IBP verified error " + last.ibpVerifiedError());
        assertTrue(s.history().get(1).meanLoss() > last.meanLoss(), "the robust loss falls");
    }

    @Test
    void resumeRefusesOtherSettings() throws Exception {
        Dataset train = data(32, 1);
        TrainingConfig c = config("ibp", 2);
        Trainer trainer = new Trainer(c, train, data(8, 2));
        TrainingState s = run(trainer, trainer.start(), 1);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        TrainingCheckpoint.write(s, c, train, model, state);
        TrainingConfig other = TrainingConfig.of(null, List.of(c.settings(), Map.of("lr", "1e-3")));
        String m = assertThrows(io.robustcert.core.io.ModelFormatException.class, () -> TrainingCheckpoint.read(trainer, other,
                new ByteArrayInputStream(model.toByteArray()), new ByteArrayInputStream(state.toByteArray()))).getMessage();
        assertTrue(m.contains("lr 5e-3 → 1e-3"), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour=blue|unknown setting 'colour'",
        "epsilon=-0.1|epsilon must be finite and ≥ 0",
        "epochs=3|longer than the run",
        "model=resnet|unknown model 'resnet'",
        "dataset=imagenet|imagenet",
        "method=pgd|unknown training method 'pgd'",
        "lr=fast|lr must be a number",
        "bounded_input=maybe|bounded_input must be true or false",
    })
    void badConfigurationsAreRefusedWithTheKey(String setting, String message) {
        String[] kv = setting.split("=", 2);
        String m = assertThrows(IllegalArgumentException.class, () -> TrainingConfig.of("mnist-cpu",
                List.of(Map.of(kv[0], kv[1])))).getMessage();
        assertTrue(m.contains(message), m);
    }

    @Test
    void presetsMatchTheSpec() {
        TrainingConfig mnist = TrainingConfig.of("mnist", List.of());
        assertEquals(0.0, mnist.epsilonSchedule(0.4, 750).value(10 * 750), 0);
        assertEquals(0.4, mnist.epsilonSchedule(0.4, 750).value(59 * 750), 1e-12);
        assertEquals(0.2, mnist.epsilonSchedule(0.4, 750).value((long) (10 * 750 + 24.5 * 750)), 1e-12);
        assertEquals(5e-4, mnist.learningRates().rate(129), 1e-18);
        assertEquals(5e-5, mnist.learningRates().rate(130), 1e-18);
        assertEquals(5e-6, mnist.learningRates().rate(190), 1e-18);
        TrainingConfig cifar = TrainingConfig.of("cifar10", List.of());
        assertEquals(3e-4, cifar.learningRates().rate(269), 1e-18);
        assertEquals(1.5e-4, cifar.learningRates().rate(270), 1e-18);
        assertEquals(1.0, mnist.beta().at(0.3, 0.4), 0);
        assertEquals(0.0, mnist.kappa().at(0.3, 0.4), 0);
        assertEquals(80, mnist.batchSize());
        assertEquals("ours", mnist.method());
        assertTrue(!mnist.domain().bounded());
    }
}
