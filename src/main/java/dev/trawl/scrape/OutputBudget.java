package dev.trawl.scrape;

import java.util.ArrayList;
import java.util.List;

/**
 * The characters a page's output may still take. Each part is cut to what is left of the page's
 * budget (and of its own, for a field); the names of the parts that were cut are kept for the
 * client to see. Not thread-safe: one per extraction.
 */
final class OutputBudget {

    private long remaining;
    private final List<String> truncated = new ArrayList<>();

    OutputBudget(long pageChars) {
        this.remaining = pageChars;
    }

    /** The value, cut to at most {@code ownLimit} characters and what the page has left; null stays null. */
    String take(String part, String value, long ownLimit) {
        if (value == null) {
            return null;
        }
        long limit = Math.min(ownLimit, remaining);
        String kept = value;
        if (value.length() > limit) {
            kept = cut(value, (int) limit);
            markTruncated(part);
        }
        remaining -= kept.length();
        return kept;
    }

    String take(String part, String value) {
        return take(part, value, Long.MAX_VALUE);
    }

    long remaining() {
        return remaining;
    }

    void markTruncated(String part) {
        if (!truncated.contains(part)) {
            truncated.add(part);
        }
    }

    List<String> truncated() {
        return List.copyOf(truncated);
    }

    /** Never splits a surrogate pair, so the kept text is still valid UTF-16. */
    private static String cut(String value, int length) {
        int end = length > 0 && Character.isHighSurrogate(value.charAt(length - 1)) ? length - 1 : length;
        return value.substring(0, end);
    }
}
