package io.robustcert.certifier.grpc;

import io.quarkus.grpc.GrpcService;
import io.robustcert.v1.MutinyCertifierServiceGrpc;

@GrpcService
public class CertifierGrpcService extends MutinyCertifierServiceGrpc.CertifierServiceImplBase {
}
