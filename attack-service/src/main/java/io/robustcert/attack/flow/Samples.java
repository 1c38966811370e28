package io.robustcert.attack.flow;

/**
 * The samples of a plan's dataset slice: pixels as float64 rows (value/255 as the CLI reads them) and labels.
 *
 * @param name the slice as {@code dataset:split[start,end)}
 */
public record Samples(String name, double[][] inputs, int[] labels) {

    public int size() {
        return labels.length;
    }
}
