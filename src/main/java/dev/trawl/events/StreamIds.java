package dev.trawl.events;

import java.util.regex.Pattern;

/** Redis stream entry ids ({@code <ms>-<seq>}): validation and ordering. */
public final class StreamIds {

    public static final String BEGINNING = "0-0";
    private static final Pattern ID = Pattern.compile("\\d{1,20}(-\\d{1,20})?");

    private StreamIds() {}

    public static boolean isValid(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return false;
        }
        try {
            parse(id);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    /**
     * No entry can follow the largest id a stream has room for ({@code 2^64-1-2^64-1}): Redis
     * refuses a range that starts after it, so a reader must be told, not sent to Redis.
     */
    public static boolean isLast(String id) {
        long[] parsed = parse(id);
        return parsed[0] == -1L && parsed[1] == -1L;
    }

    /** No entry can precede {@code 0-0}: Redis refuses a range that ends before it. */
    public static boolean isFirst(String id) {
        long[] parsed = parse(id);
        return parsed[0] == 0 && parsed[1] == 0;
    }

    /** When Redis added the entry: the milliseconds part of its id (a valid id, as Redis hands them out). */
    public static long millisOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseUnsignedLong(id, 0, dash < 0 ? id.length() : dash, 10);
    }

    public static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int byTime = Long.compareUnsigned(x[0], y[0]);
        return byTime != 0 ? byTime : Long.compareUnsigned(x[1], y[1]);
    }

    private static long[] parse(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            return new long[] {Long.parseUnsignedLong(id), 0};
        }
        return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))
        };
    }
}
