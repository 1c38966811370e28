/** TrainerService over gRPC: request mapping, operations and errors. */
package io.robustcert.trainer.grpc;
