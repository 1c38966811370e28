/** One way for every test to get a real Kafka broker: external, Testcontainers, in-JVM KRaft, or a broker process. */
package io.robustcert.testing.kafka;
