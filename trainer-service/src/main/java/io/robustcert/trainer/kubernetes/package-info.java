/**
 * Training runs and sweeps as Kubernetes Jobs (fabric8 client), framework-free so the Quarkus trainer
 * service can wire it in. {@link io.robustcert.trainer.kubernetes.TrainingJobs} validates a request, reads
 * the pod template the manifests deploy ({@code k8s/base/trainer/job-podtemplate.yaml}), submits one Job per
 * run (a sweep is the grid methods × ε × seeds), watches them and relays their phase to a
 * {@link io.robustcert.trainer.kubernetes.TrainingJobListener}, and cancels them. The request types are
 * records here until the proto contract replaces them.
 */
package io.robustcert.trainer.kubernetes;
