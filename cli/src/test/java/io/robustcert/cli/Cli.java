package io.robustcert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Runs the command line in-process and holds the mnist_small fixture. */
final class Cli {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL_RESOURCE = "mnist_small_eps0.1.safetensors";
    static final String REFERENCE_RESOURCE = "mnist_small_eps0.1.json";
    static final String ARCHITECTURE = "{\"input_shape\":[1,28,28],\"layers\":["
            + "{\"type\":\"conv2d\",\"out\":16,\"kernel\":4,\"stride\":2,\"padding\":1},{\"type\":\"relu\"},"
            + "{\"type\":\"conv2d\",\"out\":32,\"kernel\":4,\"stride\":2,\"padding\":1},{\"type\":\"relu\"},"
            + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":100},{\"type\":\"relu\"},"
            + "{\"type\":\"linear\",\"out\":10}]}";

    record Result(int code, String out, String err) {

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        double[][] lower() {
            return matrix(json().get("lower"));
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + abbreviate(out) + "\nstderr: " + abbreviate(err);
        }

        private static String abbreviate(String s) {
            return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
        }
    }

    /** The fixture files written to a directory. */
    record Fixture(Path model, Path arch, Path inputs, JsonNode reference) {
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(picocli.CommandLine.defaultFactory(), args);
    }

    /** Runs with commands made by {@code factory} (to inject bound methods). */
    static Result run(picocli.CommandLine.IFactory factory, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), factory);
        return new Result(code, out.toString(), err.toString());
    }

    static Fixture fixture(Path dir) throws IOException {
        Path model = copyResource(MODEL_RESOURCE, dir.resolve(MODEL_RESOURCE));
        Path arch = Files.writeString(dir.resolve("mnist_small.arch.json"), ARCHITECTURE);
        JsonNode reference;
        try (InputStream in = resource(REFERENCE_RESOURCE)) {
            reference = JSON.readTree(in);
        }
        Path inputsFile = writeInputs(dir.resolve("inputs.json"), reference, reference.get("labels").size());
        return new Fixture(model, arch, inputsFile, reference);
    }

    /** Writes the first {@code count} inputs and labels of the reference as an inputs file. */
    static Path writeInputs(Path file, JsonNode reference, int count) throws IOException {
        ObjectNode inputs = JSON.createObjectNode();
        var x = inputs.putArray("inputs");
        var y = inputs.putArray("labels");
        for (int i = 0; i < count; i++) {
            x.add(reference.get("inputs").get(i));
            y.add(reference.get("labels").get(i));
        }
        JSON.writeValue(file.toFile(), inputs);
        return file;
    }

    static byte[] resourceBytes(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Cli.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " missing");
        }
        return in;
    }

    private static Path copyResource(String name, Path target) throws IOException {
        try (InputStream in = resource(name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static double[][] matrix(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonNode row = node.get(i);
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                if (!row.get(j).isNumber()) {
                    throw new AssertionError("row " + i + " entry " + j + " is not a number: " + row.get(j));
                }
                m[i][j] = row.get(j).asDouble();
            }
        }
        return m;
    }
}
