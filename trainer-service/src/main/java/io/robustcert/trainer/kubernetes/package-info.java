/**
 * Training runs and sweeps as Kubernetes Jobs (fabric8 client). {@link io.robustcert.trainer.kubernetes.TrainingJobs}
 * reads the pod template the manifests deploy ({@code k8s/base/trainer/job-podtemplate.yaml}), submits one Job
 * per run carrying the run's whole TrainingSpec, watches them, relays their phase to a
 * {@link io.robustcert.trainer.kubernetes.TrainingJobListener} and cancels them;
 * {@link io.robustcert.trainer.kubernetes.KubernetesRunExecutor} is the trainer's run executor in Kubernetes
 * mode (phases and announced checkpoints back to the runs the API serves, Jobs adopted after a restart).
 */
package io.robustcert.trainer.kubernetes;
