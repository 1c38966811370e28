/** Kafka clients: the idempotent producer and the flow's consumer loop. */
package io.robustcert.attack.messaging;
