package io.robustcert.certifier.certify;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.util.List;

/**
 * A Certify request turned into core's terms, every field checked.
 *
 * @param methods the bound methods in request order
 */
public record CertifyJob(Network network, double[][] inputs, int[] labels, LinfBall ball, List<MethodChoice> methods,
                         Precision precision) {

    public CertifyJob {
        methods = List.copyOf(methods);
    }
}
