package dev.trawl.scrape;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An origin's robots.txt as cached in Redis: the rules in it that apply to our robot (see
 * {@link StoredRobotsRules}), or a marker that there is none (4xx), that it could not be fetched,
 * or that the rules for us are larger than a worker keeps. Stored as one string, a header line
 * then the body: {@code ours <sha-256 of body>\n<rules>}, {@code none\n}, {@code error <code>\n}
 * or {@code too-large\n}. The header alone (GETRANGE) tells a pod whether the rules it read
 * earlier are still the current ones. (Entries of the form {@code rules <sha>}, the raw file that
 * earlier versions stored, are not understood: they count as a miss and are replaced.)
 */
record RobotsEntry(Kind kind, String detail, byte[] body) {

    enum Kind {
        RULES("ours"),
        NONE("none"),
        ERROR("error"),
        TOO_LARGE("too-large");

        private final String token;

        Kind(String token) {
            this.token = token;
        }
    }

    /** Bytes of the header worth reading: the longest header is {@code ours } plus 64 hex digits and a newline. */
    static final int HEADER_BYTES = 128;

    static RobotsEntry rules(byte[] body) {
        return new RobotsEntry(Kind.RULES, sha256(body), body);
    }

    static RobotsEntry none() {
        return new RobotsEntry(Kind.NONE, "", new byte[0]);
    }

    static RobotsEntry error(String code) {
        return new RobotsEntry(Kind.ERROR, code, new byte[0]);
    }

    static RobotsEntry tooLarge() {
        return new RobotsEntry(Kind.TOO_LARGE, "", new byte[0]);
    }

    byte[] encode() {
        String header = kind.token + (detail.isEmpty() ? "" : " " + detail) + "\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] value = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, value, head.length, body.length);
        return value;
    }

    /**
     * Reads a stored value, whole or only its first {@link #HEADER_BYTES} (then the body is left
     * empty). Empty for a missing key or a value this version does not understand.
     */
    static Optional<RobotsEntry> decode(byte[] value) {
        int newline = indexOf(value, (byte) '\n');
        if (newline < 0) {
            return Optional.empty();
        }
        String[] header = new String(value, 0, newline, StandardCharsets.US_ASCII).split(" ", 2);
        byte[] body = Arrays.copyOfRange(value, newline + 1, value.length);
        String detail = header.length > 1 ? header[1] : "";
        switch (header[0]) {
            case "ours":
                return detail.isEmpty() ? Optional.empty() : Optional.of(new RobotsEntry(Kind.RULES, detail, body));
            case "none":
                return Optional.of(none());
            case "error":
                return Optional.of(error(detail));
            case "too-large":
                return Optional.of(tooLarge());
            default:
                return Optional.empty();
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
