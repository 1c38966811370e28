/** A single-node KRaft Kafka broker from Kafka's Maven Central jars, run as its own process. */
package io.robustcert.broker;
