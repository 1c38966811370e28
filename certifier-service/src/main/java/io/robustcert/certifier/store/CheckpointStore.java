package io.robustcert.certifier.store;

import io.robustcert.certifier.config.FlowConfig;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.store.ContentMismatchException;
import io.robustcert.core.store.ContentTooLargeException;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.core.store.UnsafeLocationException;
import io.robustcert.core.store.VerifiedContent;
import io.robustcert.v1.CheckpointRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads checkpoints from the content-addressed store: the URI must be the canonical location of the
 * announced digest under the root, the file must not leave the root through a symbolic link, and its
 * bytes are parsed only after their size and SHA-256 match the announcement.
 */
@ApplicationScoped
public class CheckpointStore {

    private final StoreLayout layout;
    private final long maxBytes;

    public CheckpointStore(FlowConfig config) {
        this.layout = new StoreLayout(config.storeRoot().toAbsolutePath().normalize());
        this.maxBytes = config.maxCheckpointBytes();
    }

    /** The verified model of a checkpoint. */
    public Network load(CheckpointRef ref) throws CheckpointException {
        Sha256 sha;
        try {
            sha = new Sha256(ref.getSha256());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("CHECKPOINT_UNSAFE_URI", "checkpoint sha256: " + e.getMessage());
        }
        Path path;
        try {
            path = layout.resolve(ref.getUri(), sha);
        } catch (UnsafeLocationException e) {
            throw new CheckpointException("CHECKPOINT_UNSAFE_URI", e.getMessage());
        }
        byte[] bytes;
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(layout.root().toRealPath())) {
                throw new CheckpointException("CHECKPOINT_UNSAFE_URI", "checkpoint " + path + " links outside the store root");
            }
            try (InputStream in = Files.newInputStream(real)) {
                bytes = VerifiedContent.read(in, sha, ref.getSizeBytes(), maxBytes);
            }
        } catch (NoSuchFileException e) {
            throw new CheckpointException("CHECKPOINT_NOT_FOUND", "checkpoint " + path + " is not in the store");
        } catch (ContentMismatchException e) {
            throw new CheckpointException("CHECKPOINT_HASH_MISMATCH", "checkpoint " + path + ": " + e.getMessage());
        } catch (ContentTooLargeException e) {
            throw new CheckpointException("CHECKPOINT_TOO_LARGE", "checkpoint " + path + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CheckpointException("CHECKPOINT_UNREADABLE", "checkpoint " + path + ": " + e);
        }
        try {
            return ModelFile.read(new ByteArrayInputStream(bytes), maxBytes, null).network();
        } catch (ModelFormatException | IOException e) {
            throw new CheckpointException("MODEL_REJECTED", "checkpoint " + ref.getCheckpointId() + ": " + e.getMessage());
        }
    }
}
