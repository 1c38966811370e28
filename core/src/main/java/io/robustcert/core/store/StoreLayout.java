package io.robustcert.core.store;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where content lives in a content-addressed store under {@code root}: {@code root/sha256/ab/abcd...}
 * (the first two hex digits fan the files out over 256 directories). Events refer to a checkpoint by the
 * {@code file:} URI of that path, its SHA-256 and its size.
 *
 * <p>{@link #resolve} is the only way from a URI received in an event or request to a path: it accepts
 * exactly the canonical URI of the announced digest under this root, so no spelling (dot segments,
 * escapes, other hosts, a sibling directory sharing the root's prefix, another digest's file) reaches a
 * file outside the store or a file other than the one announced. It checks names only; the filesystem
 * side (symbolic links, the file's existence) belongs to the service that opens the file.
 */
public record StoreLayout(Path root) {

    /** The directory under the root that holds the SHA-256-named files. */
    static final String SHA256_DIR = "sha256";

    /** @param root an absolute, normalized directory path */
    public StoreLayout {
        if (root == null || !root.isAbsolute() || !root.normalize().equals(root)) {
            throw new IllegalArgumentException("the store root must be an absolute path without . or .. segments, got " + root);
        }
    }

    /** The file of this content. */
    public Path pathOf(Sha256 sha256) {
        return root.resolve(SHA256_DIR).resolve(sha256.hex().substring(0, 2)).resolve(sha256.hex());
    }

    /** The URI events carry for this content. */
    public URI uriOf(Sha256 sha256) {
        return pathOf(sha256).toUri();
    }

    /**
     * The file a URI names, if it is the canonical location of the announced content in this store.
     *
     * @throws UnsafeLocationException naming what is wrong with the URI
     */
    public Path resolve(String uri, Sha256 announced) throws UnsafeLocationException {
        if (uri == null || uri.isEmpty()) {
            throw new UnsafeLocationException("checkpoint URI missing");
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new UnsafeLocationException("checkpoint URI is malformed: " + e.getMessage());
        }
        if (!"file".equalsIgnoreCase(u.getScheme())) {
            throw new UnsafeLocationException("checkpoint URI must be a file: URI under the store root, got scheme "
                    + (u.getScheme() == null ? "none" : "'" + u.getScheme() + "'"));
        }
        if (u.isOpaque()) {
            throw new UnsafeLocationException("checkpoint URI must be an absolute file: URI (file:///...), got '" + uri + "'");
        }
        if (u.getRawAuthority() != null && !u.getRawAuthority().isEmpty()) {
            throw new UnsafeLocationException("checkpoint URI must name a local file, not host '" + u.getRawAuthority() + "'");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new UnsafeLocationException("checkpoint URI must not have a query or fragment");
        }
        String rawPath = u.getRawPath();
        if (rawPath == null || rawPath.indexOf('%') >= 0) {
            // Escapes could spell '/', '..' or NUL; the store's names never need one.
            throw new UnsafeLocationException("checkpoint URI must not contain %-escapes");
        }
        String[] segments = rawPath.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            if (segments[i].isEmpty() || segments[i].equals(".") || segments[i].equals("..")) {
                throw new UnsafeLocationException("checkpoint URI path has an empty, '.' or '..' segment: '" + rawPath + "'");
            }
        }
        Path path = Path.of(rawPath);
        if (!path.startsWith(root)) {
            throw new UnsafeLocationException("checkpoint URI lies outside the store root " + root + ": '" + rawPath + "'");
        }
        if (!path.equals(pathOf(announced))) {
            throw new UnsafeLocationException("checkpoint URI is not where content " + announced + " is stored ("
                    + pathOf(announced) + "): '" + rawPath + "'");
        }
        return path;
    }
}
