package io.robustcert.cli;

import io.robustcert.core.io.ModelFile;
import io.robustcert.core.model.Network;
import io.robustcert.core.store.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code robustcert convert}: an ONNX model (or a safetensors file with a separate architecture) as the core's own
 * model file, the one format the services and the checkpoint flow take. The network is imported exactly or refused.
 */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        description = {"Converts a model into robustcert's model file (safetensors with its architecture and provenance "
                + "inside), the format the services and the checkpoint flow take.",
            "Input: an ONNX file (*.onnx, e.g. from torch.onnx.export of an nn.Sequential: Conv, Gemm/MatMul, Relu, "
                    + "Flatten/Reshape, Sub/Div normalisation), or a safetensors state dict with --arch.",
            "Exit codes: 0 written, 2 bad input (an operator that cannot be imported exactly names its node)."},
        sortOptions = false)
final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model to convert (*.onnx, or safetensors).")
    Path model;

    @Option(names = "--arch", paramLabel = "FILE", description = "Architecture JSON for a safetensors file that has none.")
    Path arch;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The model file to write (replaced whole).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Network network = InputFiles.loadModel(model, arch);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("converted_from", model.getFileName().toString());
        provenance.put("source_sha256", sha256(model));
        provenance.put("converter", "robustcert convert");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelFile.write(network, ReportFiles.JSON.writeValueAsString(provenance), bytes);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("model " + model + " cannot be written as float32 tensors: " + e.getMessage());
        }
        if (out.toAbsolutePath().getParent() != null) {
            ReportFiles.prepare(out.toAbsolutePath().getParent());
        }
        ReportFiles.write(out, bytes.toByteArray());
        spec.commandLine().getOut().printf("wrote %s: %d layers, input %s, %d classes%n", out, network.size(),
                java.util.Arrays.toString(network.inputShape()), network.numClasses());
        return 0;
    }

    private static String sha256(Path file) throws UserInputException {
        try {
            return Sha256.of(Files.readAllBytes(file)).hex();
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + InputFiles.describe(e));
        }
    }
}
