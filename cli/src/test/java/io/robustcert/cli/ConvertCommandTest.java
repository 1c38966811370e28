package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.OnnxImport;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.RealMnist;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX models from PyTorch's exporter (the core's fixtures, core/src/test/resources/onnx) through the CLI: certified
 * directly, converted to the core's model file with the same verdicts, and refused with a clear error where
 * they cannot be imported exactly.
 */
class ConvertCommandTest {

    static final Path ONNX = Path.of("..", "core", "src", "test", "resources", "onnx").toAbsolutePath().normalize();

    static Cli.Result certify(Path model) {
        return Cli.run("certify", "--model", model.toString(), "--data", "mnist:test:20", "--data-dir",
                RealMnist.dataDir().toString(), "--eps", "0.01", "--steps", "10", "--restarts", "1", "--method", "ibp,crown-ibp", "--min-verified-accuracy", "0");
    }

    @Test
    void anOnnxModelIsCertifiedDirectlyAndAfterConversionWithTheSameResult(@TempDir Path dir) throws Exception {
        Path converted = dir.resolve("models").resolve("conv.safetensors");
        Cli.Result c = Cli.run("convert", "--model", ONNX.resolve("conv.onnx").toString(), "--out", converted.toString());
        assertEquals(0, c.code(), c.toString());
        assertTrue(c.out().contains("9 layers, input [1, 28, 28], 10 classes"), c.out());
        assertTrue(Files.size(converted) > 50_000);

        Cli.Result direct = certify(ONNX.resolve("conv.onnx"));
        Cli.Result viaFile = certify(converted);
        // the gate's default thresholds are not the point here: both runs print the same table and exit alike
        assertEquals(direct.code(), viaFile.code(), direct + "\n" + viaFile);
        assertTrue(direct.out().contains("Verified err % (sound)"), direct.toString());
        assertEquals(direct.out().replace(ONNX.resolve("conv.onnx").toString(), "MODEL"),
                viaFile.out().replace(converted.toString(), "MODEL"));
    }

    /** Batch normalisation keeps its statistics through the conversion: the saved model computes the ONNX one's logits. */
    @Test
    void batchNormalizationSurvivesTheConversion(@TempDir Path dir) throws Exception {
        Path converted = dir.resolve("batchnorm.safetensors");
        Cli.Result c = Cli.run("convert", "--model", ONNX.resolve("batchnorm.onnx").toString(), "--out", converted.toString());
        assertEquals(0, c.code(), c.toString());
        Network imported;
        try (InputStream in = Files.newInputStream(ONNX.resolve("batchnorm.onnx"))) {
            imported = OnnxImport.read(in, ModelFile.DEFAULT_MAX_BYTES).network();
        }
        Network saved;
        try (InputStream in = Files.newInputStream(converted)) {
            saved = ModelFile.read(in, ModelFile.DEFAULT_MAX_BYTES, null).network();
        }
        assertEquals(2, saved.layers().stream().filter(l -> l.type().equals("batchnorm")).count());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 6, 6);
        assertArrayEquals(imported.forward(x, Precision.SOUND).toDoubleMatrix(), saved.forward(x, Precision.SOUND).toDoubleMatrix());
    }

    @Test
    void whatCannotBeImportedIsABadInputWithTheReason(@TempDir Path dir) throws Exception {
        Cli.Result pool = Cli.run("convert", "--model", ONNX.resolve("maxpool.onnx").toString(), "--out",
                dir.resolve("m.safetensors").toString());
        assertEquals(2, pool.code(), pool.toString());
        assertTrue(pool.err().contains("(MaxPool) is not supported"), pool.err());
        assertTrue(!Files.exists(dir.resolve("m.safetensors")), "nothing written");

        Cli.Result arch = Cli.run("convert", "--model", ONNX.resolve("conv.onnx").toString(), "--arch",
                ONNX.resolve("conv.json").toString(), "--out", dir.resolve("a.safetensors").toString());
        assertEquals(2, arch.code(), arch.toString());
        assertTrue(arch.err().contains("--arch does not apply to an ONNX model"), arch.err());

        Path fake = dir.resolve("fake.onnx");
        Files.writeString(fake, "not a model");
        Cli.Result bad = certify(fake);
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("model file " + fake + ": not"), bad.err());
    }
}
