package io.robustcert.cli;

import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.OnnxImport;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reading the user's files with size caps and one-line errors that name the file. */
final class InputFiles {

    /** Cap on the architecture file. */
    static final long MAX_ARCH_BYTES = 4L << 20;

    private InputFiles() {
    }

    /** A model file, with its architecture from {@code arch} when given, else from the file's metadata. */
    static Network loadModel(Path model, Path arch) throws UserInputException {
        String architecture = null;
        if (arch != null) {
            byte[] bytes = readLimited(arch, "architecture file", MAX_ARCH_BYTES);
            try {
                architecture = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new UserInputException("architecture file " + arch + " is not UTF-8 text");
            }
        }
        checkReadable(model, "model file", ModelFile.DEFAULT_MAX_BYTES);
        boolean onnx = isOnnx(model);
        if (onnx && arch != null) {
            throw new UserInputException("--arch does not apply to an ONNX model (" + model + "): its graph is the architecture");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(model), 1 << 16)) {
            if (onnx) {
                return OnnxImport.read(in, ModelFile.DEFAULT_MAX_BYTES).network();
            }
            return ModelFile.read(in, ModelFile.DEFAULT_MAX_BYTES, architecture).network();
        } catch (ModelFormatException e) {
            String message = e.getMessage();
            if (arch != null && message.startsWith("architecture")) {
                throw new UserInputException("architecture file " + arch + " (for model " + model + "): " + message);
            }
            throw new UserInputException("model file " + model + ": " + message);
        } catch (IOException e) {
            throw new UserInputException("cannot read model file " + model + ": " + describe(e));
        }
    }

    /** An ONNX model, by its name (*.onnx); every other model file is the core's safetensors format. */
    static boolean isOnnx(Path model) {
        return model.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    static void checkReadable(Path path, String what, long maxBytes) throws UserInputException {
        if (!Files.exists(path)) {
            throw new UserInputException(what + " " + path + " not found");
        }
        if (Files.isDirectory(path)) {
            throw new UserInputException(what + " " + path + " is a directory");
        }
        if (!Files.isReadable(path)) {
            throw new UserInputException(what + " " + path + " is not readable");
        }
        try {
            long size = Files.size(path);
            if (Files.isRegularFile(path) && size > maxBytes) {
                throw new UserInputException(what + " " + path + " is " + size + " bytes, larger than the limit of "
                        + maxBytes + " bytes");
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + what + " " + path + ": " + describe(e));
        }
    }

    static byte[] readLimited(Path path, String what, long maxBytes) throws UserInputException {
        checkReadable(path, what, maxBytes);
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new UserInputException(what + " " + path + " is larger than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UserInputException("cannot read " + what + " " + path + ": " + describe(e));
        }
    }

    /** An I/O exception as words: its kind and message. */
    static String describe(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName().replaceAll("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return m == null ? kind : kind + ": " + m;
    }
}
