package io.robustcert.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive use of a run directory while a command writes into it. Two trainings resuming the same directory
 * would each read the last checkpoint and then overwrite each other's epochs, metrics and evaluations; the
 * second one is refused instead. An operating-system lock on {@code DIR/.lock}: it ends with the process
 * however the process ends, so a killed run never leaves a stale lock behind. The file holds the owner's
 * process id, for the refusal's message.
 */
final class RunDirectoryLock implements AutoCloseable {

    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} (created if needed) for {@code user} ("training", ...), or refuses if another holds it. */
    static RunDirectoryLock acquire(Path dir, String user) throws UserInputException {
        Path file = dir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this same process (a command run twice in one JVM)
            }
            if (lock == null) {
                throw new UserInputException(dir + " is in use by another " + user + owner(file)
                        + "; wait for it to finish, or choose another directory");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            RunDirectoryLock held = new RunDirectoryLock(channel, lock);
            channel = null;
            return held;
        } catch (IOException e) {
            throw new UserInputException("cannot lock " + dir + ": " + InputFiles.describe(e));
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the refusal or the first error is what the user needs to see
                }
            }
        }
    }

    /** " (process N)" from the lock file when it names one; the lock is advisory, so reading is allowed. */
    private static String owner(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
