/** The certifier's work in the Kafka flow: plans, datasets, certification of announced checkpoints. */
package io.robustcert.certifier.flow;
