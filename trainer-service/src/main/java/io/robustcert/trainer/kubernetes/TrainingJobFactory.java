package io.robustcert.trainer.kubernetes;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.robustcert.v1.TrainingSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the Job of one run from the deployed pod template: the template's pod as is (image, resources,
 * security context, volumes, and in the gpu overlay the GPU, node selector and toleration), plus the
 * run's labels and its whole {@link TrainingSpec} (proto JSON) for the training container.
 */
public final class TrainingJobFactory {
  /** Marks every Job this code makes, so watches and cancels touch nothing else. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "robustcert-trainer-service";
  public static final String RUN_ID = "robustcert.io/run-id";
  public static final String SWEEP_ID = "robustcert.io/sweep-id";
  public static final String METHOD = "robustcert.io/method";
  /** Annotations, not labels: ε and seed must survive exactly ("0.00784313725490196"). */
  public static final String EPSILON = "robustcert.io/epsilon";
  public static final String SEED = "robustcert.io/seed";
  /** The training container reads its run from these (the trainer's job mode). */
  public static final String ENV_SPEC = "ROBUSTCERT_TRAINING_SPEC";
  public static final String ENV_RUN_ID = "ROBUSTCERT_RUN_ID";

  private final TrainingJobSettings settings;

  public TrainingJobFactory(TrainingJobSettings settings) {
    this.settings = settings;
  }

  /** The Job named {@code runId}; {@code sweepId} may be null. The spec must have been validated. */
  public Job create(PodTemplate template, String runId, String sweepId, TrainingSpec spec) {
    PodTemplateSpec pod = new PodTemplateSpecBuilder(template.getTemplate()).build();
    Container trainer = pod.getSpec().getContainers().stream()
        .filter(c -> settings.containerName().equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("PodTemplate " + template.getMetadata().getName()
            + " has no container named " + settings.containerName()));
    if (trainer.getEnv() == null) {
      trainer.setEnv(new ArrayList<>());
    }
    trainer.getEnv().removeIf(e -> e.getName().equals(ENV_SPEC) || e.getName().equals(ENV_RUN_ID));
    trainer.getEnv().add(new EnvVar(ENV_RUN_ID, runId, null));
    trainer.getEnv().add(new EnvVar(ENV_SPEC, specJson(spec), null));

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(RUN_ID, runId);
    if (sweepId != null) {
      labels.put(SWEEP_ID, sweepId);
    }
    labels.put(METHOD, methodLabel(spec));
    if (pod.getMetadata() == null) {
      pod.setMetadata(new ObjectMeta());
    }
    Map<String, String> podLabels = new LinkedHashMap<>(pod.getMetadata().getLabels() == null
        ? Map.of() : pod.getMetadata().getLabels());
    podLabels.putAll(labels);
    pod.getMetadata().setLabels(podLabels);

    Map<String, String> jobLabels = new LinkedHashMap<>(template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels());
    jobLabels.putAll(labels);
    return new JobBuilder()
        .withNewMetadata()
          .withName(runId)
          .withNamespace(settings.namespace())
          .withLabels(jobLabels)
          .withAnnotations(Map.of(EPSILON, Double.toString(spec.getEpsilon()),
              SEED, Long.toUnsignedString(spec.getSeed())))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(settings.backoffLimit())
          .withTtlSecondsAfterFinished(settings.ttlSecondsAfterFinished())
          .withActiveDeadlineSeconds(settings.activeDeadlineSeconds())
          .withTemplate(pod)
        .endSpec()
        .build();
  }

  /** The spec as compact proto JSON: what the Job's container reads back with {@link #readSpec}. */
  public static String specJson(TrainingSpec spec) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a TrainingSpec without Any fields always prints", e);
    }
  }

  /** Reads a spec back strictly: an unknown field is an error, not something silently dropped. */
  public static TrainingSpec readSpec(String json) throws InvalidProtocolBufferException {
    TrainingSpec.Builder spec = TrainingSpec.newBuilder();
    JsonFormat.parser().merge(json, spec);
    return spec.build();
  }

  /** The spec a Job was made from, if it is one of ours and its spec reads. */
  public Optional<TrainingSpec> specOf(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> settings.containerName().equals(c.getName())).findFirst()
        .flatMap(c -> c.getEnv() == null ? Optional.empty()
            : c.getEnv().stream().filter(e -> ENV_SPEC.equals(e.getName())).findFirst())
        .flatMap(e -> {
          try {
            return Optional.of(readSpec(e.getValue()));
          } catch (InvalidProtocolBufferException | RuntimeException bad) {
            return Optional.empty();
          }
        });
  }

  /** "TRAINING_METHOD_CROWN_IBP" → "crown-ibp": a valid label value. */
  static String methodLabel(TrainingSpec spec) {
    return spec.getMethod().name().replaceFirst("^TRAINING_METHOD_", "").toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
