package io.robustcert.attack.grpc;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.model.Network;

/** An Attack request in core's terms, every field checked. */
record AttackJob(Network network, double[][] inputs, int[] labels, PgdOptions attack, boolean includeAdversarial) {
}
