package io.robustcert.trainer.messaging;

import io.robustcert.v1.CheckpointCreated;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Announces checkpoints on the {@code checkpoints} channel (topic robustcert.checkpoints.v1), keyed by
 * checkpoint id so evaluation work spreads over partitions. The producer is idempotent (acks=all); a
 * caller learns of a failed send, so a run never counts a checkpoint as announced that the broker lacks.
 */
@ApplicationScoped
public class CheckpointAnnouncer {

    /** How long a send may wait for the broker before the run fails. */
    private static final long SEND_TIMEOUT_SECONDS = 120;

    @Inject
    @Channel("checkpoints")
    Emitter<byte[]> emitter;

    /** Sends the event and waits until the broker has it. */
    public void announce(CheckpointCreated event) throws AnnounceException {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(event.toByteArray())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.getCheckpoint().getCheckpointId()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        try {
            acked.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AnnounceException("the broker did not take CheckpointCreated: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new AnnounceException("the broker did not acknowledge CheckpointCreated within " + SEND_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnnounceException("interrupted while announcing the checkpoint", e);
        }
    }

    /** A checkpoint could not be announced. */
    public static final class AnnounceException extends Exception {
        AnnounceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
