/** The attacker's work in the Kafka flow: plans, datasets, attacks of announced checkpoints. */
package io.robustcert.attack.flow;
