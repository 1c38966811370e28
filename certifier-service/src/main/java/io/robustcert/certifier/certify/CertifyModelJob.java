package io.robustcert.certifier.certify;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.DatasetSlice;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * A CertifyModel request in core's terms, every field checked.
 *
 * @param attack         the attack at each ε
 * @param maxVerifiedError the most verified error allowed (a fraction), or null
 * @param maxPgdError    the most PGD error allowed (a fraction), or null
 */
public record CertifyModelJob(Network network, DatasetSlice dataset, List<Double> epsilons, List<MethodChoice> methods,
                              Precision precision, DoubleFunction<PgdOptions> attack, Double maxVerifiedError,
                              Double maxPgdError) {

    public CertifyModelJob {
        epsilons = List.copyOf(epsilons);
        methods = List.copyOf(methods);
    }
}
