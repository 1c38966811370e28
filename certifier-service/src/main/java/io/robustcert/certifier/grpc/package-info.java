/** The gRPC adapters: requests in, core calls through the certify package, canonical errors out. */
package io.robustcert.certifier.grpc;
