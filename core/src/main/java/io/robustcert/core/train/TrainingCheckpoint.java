package io.robustcert.core.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.io.Safetensors;
import io.robustcert.core.model.Network;
import io.robustcert.core.optim.Adam;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A checkpoint is two safetensors files. The model file is the core's model format (certify it like any
 * model) with the run's provenance: method and every setting, epoch, current ε, seed, dataset files and
 * their sha256, code version, JDK/OS/BLAS, metrics so far. The state file holds what only resuming
 * needs: Adam's step count and moments, the epochs done and their metrics, the settings to check a resume
 * against.
 */
public final class TrainingCheckpoint {

    public static final String STATE_FORMAT = "robustcert-training-state/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCheckpoint() {
    }

    /** The provenance JSON written into the model file. */
    public static String provenance(TrainingState state, TrainingConfig config, Dataset train) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("producer", "robustcert-trainer");
        p.put("method", config.method());
        p.put("settings", config.settings());
        p.put("epochs_done", state.epochsDone());
        List<EpochMetrics> h = state.history();
        p.put("epsilon", h.isEmpty() ? 0.0 : h.get(h.size() - 1).epsilon());
        p.put("seed", config.seed());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", train.name());
        data.put("examples", train.size());
        data.put("sources", train.sources());
        p.put("dataset", data);
        p.put("code_version", codeVersion());
        p.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("nd4j", Nd4j.getExecutioner().getEnvironmentInformation().toString());
        p.put("metrics", h);
        return JSON.writeValueAsString(p);
    }

    public static void write(TrainingState state, TrainingConfig config, Dataset train, OutputStream modelOut,
                             OutputStream stateOut) throws IOException {
        ModelFile.write(state.model().snapshot(), provenance(state, config, train), modelOut);
        Adam adam = state.optimizer();
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        List<String> names = state.model().names();
        for (int i = 0; i < names.size(); i++) {
            tensors.put("adam.m." + names.get(i), tensor(adam.firstMoments().get(i)));
            tensors.put("adam.v." + names.get(i), tensor(adam.secondMoments().get(i)));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", STATE_FORMAT);
        meta.put("epochs_done", Integer.toString(state.epochsDone()));
        meta.put("adam_steps", Long.toString(adam.steps()));
        meta.put("history", JSON.writeValueAsString(state.history()));
        meta.put("settings", JSON.writeValueAsString(config.settings()));
        Safetensors.writeF32(stateOut, tensors, meta);
    }

    /**
     * Restores a run: the model file's weights, the state file's optimiser and history. Refuses a state
     * written under different settings (other than the run length), which could not continue the same run.
     */
    public static TrainingState read(Trainer trainer, TrainingConfig config, InputStream modelIn, InputStream stateIn)
            throws IOException, ModelFormatException {
        Network network = ModelFile.read(modelIn, ModelFile.DEFAULT_MAX_BYTES, null).network();
        Safetensors.Contents state = Safetensors.read(stateIn, ModelFile.DEFAULT_MAX_BYTES);
        Map<String, String> meta = state.metadata();
        if (!STATE_FORMAT.equals(meta.get("format"))) {
            throw new ModelFormatException("not a training state file (format " + meta.get("format") + ")");
        }
        Map<String, String> saved = JSON.readValue(meta.get("settings"), new TypeReference<Map<String, String>>() { });
        Map<String, String> now = config.settings();
        saved.remove("epochs");
        now.remove("epochs");
        // A setting added after the state was written (micro_batch) counts as having had its default then.
        now.forEach((k, v) -> {
            if (!saved.containsKey(k) && v.equals(TrainingConfig.defaultValue(k))) {
                saved.put(k, v);
            }
        });
        if (!saved.equals(now)) {
            throw new ModelFormatException("the checkpoint was written with other settings; resume with the same ones "
                    + "(differences: " + differences(saved, now) + ")");
        }
        TrainableModel model = TrainableModel.of(network);
        Adam adam = trainer.optimizer(model);
        List<INDArray> first = new ArrayList<>();
        List<INDArray> second = new ArrayList<>();
        for (String name : model.names()) {
            first.add(array(state, "adam.m." + name));
            second.add(array(state, "adam.v." + name));
        }
        adam.restore(Long.parseLong(meta.get("adam_steps")), first, second);
        List<EpochMetrics> history = JSON.readValue(meta.get("history"), new TypeReference<List<EpochMetrics>>() { });
        return new TrainingState(model, adam, Integer.parseInt(meta.get("epochs_done")), history);
    }

    private static String differences(Map<String, String> a, Map<String, String> b) {
        List<String> d = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(a.get(k), b.get(k))) {
                d.add(k + " " + a.get(k) + " → " + b.get(k));
            }
        }
        return String.join(", ", d);
    }

    private static Safetensors.Tensor tensor(INDArray a) {
        return new Safetensors.Tensor("F32", a.shape(), a.castTo(DataType.DOUBLE).dup('c').data().asDouble());
    }

    private static INDArray array(Safetensors.Contents c, String name) throws ModelFormatException {
        Safetensors.Tensor t = c.tensors().get(name);
        if (t == null) {
            throw new ModelFormatException("training state lacks tensor '" + name + "'");
        }
        return Nd4j.create(t.values(), t.shape(), 'c').castTo(DataType.FLOAT);
    }

    static String codeVersion() {
        String v = TrainingCheckpoint.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
