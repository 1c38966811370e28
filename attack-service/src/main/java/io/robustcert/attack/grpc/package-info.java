/** AttackService over gRPC: thin adapters over core's PGD. */
package io.robustcert.attack.grpc;
