package io.robustcert.cli;

import io.robustcert.core.eval.ErrorTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The error table as aligned text, in the paper's column order: Standard, PGD, Verified, then per method. */
final class ErrorTableText {

    private ErrorTableText() {
    }

    static String render(ErrorTable t) {
        List<String> head = new ArrayList<>(List.of("samples", "eps", "Standard err %", "PGD err %"));
        List<String> row = new ArrayList<>(List.of(String.valueOf(t.samples()), number(t.epsilon()),
                percent(t.standardError()), percent(t.pgdError())));
        if (t.verifiedError() != null) {
            head.add("Verified err % (" + t.precision() + ")");
            row.add(percent(t.verifiedError()));
            for (Map.Entry<String, Double> e : t.verifiedByMethod().entrySet()) {
                head.add(e.getKey() + " %");
                row.add(percent(e.getValue()));
            }
        }
        StringBuilder top = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (int c = 0; c < head.size(); c++) {
            int w = Math.max(head.get(c).length(), row.get(c).length());
            String sep = c == 0 ? "" : "  ";
            top.append(sep).append(pad(head.get(c), w));
            rule.append(sep).append("-".repeat(w));
            body.append(sep).append(pad(row.get(c), w));
        }
        return top + System.lineSeparator() + rule + System.lineSeparator() + body;
    }

    private static String pad(String s, int w) {
        return " ".repeat(w - s.length()) + s;
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+$", "");
    }
}
