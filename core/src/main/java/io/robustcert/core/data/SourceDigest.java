package io.robustcert.core.data;

/**
 * What was read to build a dataset and how it was checked, for provenance (a checkpoint records it).
 *
 * @param file   the file's name as the source knows it
 * @param bytes  its size as read (compressed size for a gzip file)
 * @param sha256 the SHA-256 of the bytes as read
 * @param status how it was checked
 * @param detail which published checksum matched, or why none applies
 */
public record SourceDigest(String file, long bytes, String sha256, Status status, String detail) {

    public enum Status {
        /** The file (or its decompressed content) matches a published checksum. */
        VERIFIED,
        /** No checksum is published for the file in this form: only its structure was checked. */
        STRUCTURE_ONLY,
        /** Checksums were switched off by the caller. */
        NOT_CHECKED
    }
}
