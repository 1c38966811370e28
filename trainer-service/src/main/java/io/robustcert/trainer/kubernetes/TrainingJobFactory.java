package io.robustcert.trainer.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.Map;

/**
 * Makes the Job of one run from the deployed pod template: the template's pod as is (image, resources,
 * security context, volumes, and in the gpu overlay the GPU, node selector and toleration), plus the
 * run's labels and its request for the training container.
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
  public static final String ENV_REQUEST = "ROBUSTCERT_TRAINING_REQUEST";
  public static final String ENV_RUN_ID = "ROBUSTCERT_RUN_ID";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrainingJobSettings settings;

  public TrainingJobFactory(TrainingJobSettings settings) {
    this.settings = settings;
  }

  /** The Job named {@code runId}; {@code sweepId} may be null. The request must be valid. */
  public Job create(PodTemplate template, String runId, String sweepId, TrainingRequest request) {
    PodTemplateSpec pod = new PodTemplateSpecBuilder(template.getTemplate()).build();
    Container trainer = pod.getSpec().getContainers().stream()
        .filter(c -> settings.containerName().equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("PodTemplate " + template.getMetadata().getName()
            + " has no container named " + settings.containerName()));
    if (trainer.getEnv() == null) {
      trainer.setEnv(new ArrayList<>());
    }
    trainer.getEnv().removeIf(e -> e.getName().equals(ENV_REQUEST) || e.getName().equals(ENV_RUN_ID));
    trainer.getEnv().add(new EnvVar(ENV_RUN_ID, runId, null));
    trainer.getEnv().add(new EnvVar(ENV_REQUEST, json(request), null));

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(RUN_ID, runId);
    if (sweepId != null) {
      labels.put(SWEEP_ID, sweepId);
    }
    labels.put(METHOD, request.method());
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
          .withAnnotations(Map.of(EPSILON, Double.toString(request.epsilon()), SEED, Long.toString(request.seed())))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(settings.backoffLimit())
          .withTtlSecondsAfterFinished(settings.ttlSecondsAfterFinished())
          .withActiveDeadlineSeconds(settings.activeDeadlineSeconds())
          .withTemplate(pod)
        .endSpec()
        .build();
  }

  private static String json(TrainingRequest request) {
    try {
      return JSON.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a TrainingRequest record always serialises", e);
    }
  }

  /** Reads a request back from the JSON the Job carries (for the trainer's job mode and for tests). */
  public static TrainingRequest readRequest(String json) throws JsonProcessingException {
    return JSON.readValue(json, TrainingRequest.class);
  }
}
