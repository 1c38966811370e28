package io.robustcert.certifier.flow;

/**
 * The samples of a plan's dataset slice: pixels as float64 rows (value/255 as the CLI reads them) and labels.
 *
 * @param name the slice as {@code dataset:split[start,end)}
 */
public record Samples(String name, double[][] inputs, int[] labels) {

    public int size() {
        return labels.length;
    }

    /** Samples [start, start + count) of these, named after the slice they come from. */
    public Samples range(int start, int count) {
        if (start == 0 && count == size()) {
            return this;
        }
        return new Samples(name + "[" + start + "+" + count + "]", java.util.Arrays.copyOfRange(inputs, start, start + count),
                java.util.Arrays.copyOfRange(labels, start, start + count));
    }
}
