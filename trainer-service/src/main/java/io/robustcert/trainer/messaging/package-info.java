/** Kafka: the trainer's events (CheckpointCreated). */
package io.robustcert.trainer.messaging;
