/**
 * The main job's client (scripts/run-platform.sh): asks a running trainer over gRPC for a run and prints
 * its progress, its CheckpointCreated events and the evaluation reports as they arrive on Kafka. Plain
 * gRPC and Kafka clients; it runs outside Quarkus.
 */
package io.robustcert.trainer.client;
