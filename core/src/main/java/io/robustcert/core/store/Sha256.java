package io.robustcert.core.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A SHA-256 digest as 64 lowercase hex digits: the name of a checkpoint in the store and the hash an event
 * carries. Only the canonical spelling is accepted, so one content has exactly one name.
 */
public record Sha256(String hex) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Sha256 {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 must be 64 lowercase hex digits, got "
                    + (hex == null ? "nothing" : "'" + (hex.length() > 80 ? hex.substring(0, 80) + "..." : hex) + "'"));
        }
    }

    /** The digest of these bytes. */
    public static Sha256 of(byte[] bytes) {
        return ofDigest(newDigest().digest(bytes));
    }

    /** The digest a finished {@link MessageDigest} (SHA-256) produced. */
    static Sha256 of(MessageDigest finished) {
        return ofDigest(finished.digest());
    }

    private static Sha256 ofDigest(byte[] digest) {
        return new Sha256(HexFormat.of().formatHex(digest));
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
