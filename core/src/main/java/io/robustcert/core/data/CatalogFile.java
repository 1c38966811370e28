package io.robustcert.core.data;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One file as its dataset's authors publish it.
 *
 * @param dataset          the dataset it belongs to
 * @param fileName         its published name, e.g. {@code train-images-idx3-ubyte.gz}
 * @param urls             where to download it: the official location first, then mirrors
 * @param checksums        published digests of exactly this file (any one matching verifies it)
 * @param contentChecksums for a {@code .gz} file: published digests of its decompressed content (which
 *                         is also what an uncompressed copy must hash to); empty where none is published
 * @param note             how a copy that no checksum covers is checked, for messages and provenance
 */
public record CatalogFile(DatasetKind dataset, String fileName, List<URI> urls, List<Checksum> checksums,
        List<Checksum> contentChecksums, String note) {

    public CatalogFile {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(fileName, "fileName");
        urls = List.copyOf(urls);
        checksums = List.copyOf(checksums);
        contentChecksums = List.copyOf(contentChecksums);
        note = note == null ? "" : note;
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": no download location");
        }
    }

    /** Whether the published file is gzip-compressed (so an uncompressed copy is also accepted). */
    public boolean gzipped() {
        return fileName.endsWith(".gz") && !fileName.endsWith(".tar.gz");
    }

    /** The name of the uncompressed copy of a {@code .gz} file. */
    public String uncompressedName() {
        return gzipped() ? fileName.substring(0, fileName.length() - 3) : fileName;
    }

    /** This file downloaded from {@code base.resolve(fileName)} only. */
    public CatalogFile withBase(URI base) {
        String b = base.toString();
        URI dir = URI.create(b.endsWith("/") ? b : b + "/");
        return new CatalogFile(dataset, fileName, List.of(dir.resolve(fileName)), checksums, contentChecksums, note);
    }
}
