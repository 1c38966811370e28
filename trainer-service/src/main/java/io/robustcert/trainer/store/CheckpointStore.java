package io.robustcert.trainer.store;

import io.robustcert.core.store.HashingOutputStream;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.trainer.config.TrainerConfig;
import io.robustcert.v1.CheckpointRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes checkpoints into the content-addressed store. A file is written under {@code ROOT/tmp/}, hashed
 * while it is written, forced to disk and then moved atomically to its SHA-256 name, so a reader never
 * sees a half-written file under a content name, and a crash leaves at most a temporary file behind.
 */
@ApplicationScoped
public class CheckpointStore {

    /** Writes the content to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final StoreLayout layout;

    public CheckpointStore(TrainerConfig config) {
        this.layout = new StoreLayout(config.storeRoot().toAbsolutePath().normalize());
    }

    public StoreLayout layout() {
        return layout;
    }

    /** Stores the content; {@code checkpointId} names it in events. Identical content is stored once. */
    public CheckpointRef write(String checkpointId, Content content) throws IOException {
        Path tmpDir = Files.createDirectories(layout.root().resolve("tmp"));
        Path tmp = Files.createTempFile(tmpDir, checkpointId, ".part");
        try {
            HashingOutputStream hashing;
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel))) {
                hashing = new HashingOutputStream(out);
                content.writeTo(hashing);
                hashing.flush();
                channel.force(true);
            }
            Sha256 sha256 = hashing.sha256();
            Path target = layout.pathOf(sha256);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The new name is durable only once its directory is on disk too.
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            return CheckpointRef.newBuilder().setCheckpointId(checkpointId).setUri(layout.uriOf(sha256).toString())
                    .setSha256(sha256.hex()).setSizeBytes(hashing.size()).build();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
