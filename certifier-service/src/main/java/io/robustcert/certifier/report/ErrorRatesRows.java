package io.robustcert.certifier.report;

import io.robustcert.core.eval.ErrorTable;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.ErrorRates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Core's error table on the wire: one row per method, then the best of them (method unspecified). */
public final class ErrorRatesRows {

    private ErrorRatesRows() {
    }

    /** @param labels the table's method label of each wire method, in the table's order */
    public static List<ErrorRates> of(ErrorTable table, Map<BoundMethod, String> labels, ComputeMode mode) {
        List<ErrorRates> rows = new ArrayList<>();
        labels.forEach((m, label) -> rows.add(row(table, mode).setMethod(m)
                .setVerifiedError(table.verifiedByMethod().get(label)).build()));
        rows.add(row(table, mode).setMethod(BoundMethod.BOUND_METHOD_UNSPECIFIED).setVerifiedError(table.verifiedError())
                .build());
        return rows;
    }

    private static ErrorRates.Builder row(ErrorTable table, ComputeMode mode) {
        return ErrorRates.newBuilder().setEpsilon(table.epsilon()).setMode(mode).setSamples(table.samples())
                .setStandardError(table.standardError()).setPgdError(table.pgdError());
    }
}
