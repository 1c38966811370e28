package io.robustcert.core.data;

import java.io.IOException;
import java.io.InputStream;

/** Where a loader finds a dataset's files by name (a directory, a cache, a test's map of bytes). */
public interface DatasetSource {

    /**
     * Opens the file {@code name} (a relative name, {@code /}-separated), or returns {@code null} if this
     * source has no such file.
     */
    InputStream open(String name) throws IOException;

    /** Where {@code name} is or would be, for messages (e.g. its full path). */
    default String describe(String name) {
        return name;
    }
}
