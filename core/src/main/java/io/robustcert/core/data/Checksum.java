package io.robustcert.core.data;

import java.util.Locale;
import java.util.Objects;

/**
 * A published digest of one file.
 *
 * @param algorithm a {@link java.security.MessageDigest} name: {@code "MD5"} or {@code "SHA-256"}
 * @param hex       the digest in hexadecimal (stored in lower case)
 * @param source    where it is published, for provenance and error messages
 */
public record Checksum(String algorithm, String hex, String source) {

    public static final String MD5 = "MD5";
    public static final String SHA256 = "SHA-256";

    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        Objects.requireNonNull(source, "source");
        int length = switch (algorithm) {
            case MD5 -> 32;
            case SHA256 -> 64;
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != length || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException(algorithm + " digest must be " + length + " hex digits: " + hex);
        }
    }

    public static Checksum md5(String hex, String source) {
        return new Checksum(MD5, hex, source);
    }

    public static Checksum sha256(String hex, String source) {
        return new Checksum(SHA256, hex, source);
    }

    /** {@code "md5:..."} or {@code "sha256:..."}. */
    public String label() {
        return (algorithm.equals(MD5) ? "md5:" : "sha256:") + hex;
    }

    @Override
    public String toString() {
        return label() + " (" + source + ")";
    }
}
