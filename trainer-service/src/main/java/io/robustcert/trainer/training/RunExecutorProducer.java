package io.robustcert.trainer.training;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.robustcert.trainer.config.TrainerConfig;
import io.robustcert.trainer.kubernetes.CheckpointFollower;
import io.robustcert.trainer.kubernetes.KubernetesRunExecutor;
import io.robustcert.trainer.kubernetes.TrainingJobSettings;
import io.robustcert.trainer.kubernetes.TrainingJobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/** Chooses where runs train: as Kubernetes Jobs when a namespace is configured, else in this process. */
@ApplicationScoped
public class RunExecutorProducer {

    private static final Logger LOG = Logger.getLogger(RunExecutorProducer.class);

    @Produces
    @ApplicationScoped
    RunExecutor executor(TrainerConfig config, LocalTraining training, Config all) {
        TrainerConfig.Kubernetes k8s = config.kubernetes();
        if (k8s.namespace().isEmpty()) {
            return new LocalRunExecutor(training);
        }
        TrainingJobSettings settings = new TrainingJobSettings(k8s.namespace().get(), k8s.jobTemplate(), k8s.container(),
                k8s.backoffLimit(), k8s.ttlSecondsAfterFinished(), null);
        // In a pod the client reads the service account's token and the API server's address by itself.
        KubernetesClient client = new KubernetesClientBuilder().build();
        String topic = all.getOptionalValue("mp.messaging.outgoing.checkpoints.topic", String.class)
                .orElse("robustcert.checkpoints.v1");
        LOG.infof("training runs become Kubernetes Jobs in namespace %s (pod template %s)", settings.namespace(),
                settings.podTemplateName());
        return new KubernetesRunExecutor(new TrainingJobs(client, settings),
                new CheckpointFollower(CheckpointFollower.settings(all), topic));
    }

    void close(@Disposes RunExecutor executor) {
        executor.close();
    }
}
