package dev.trawl.events;

import java.util.regex.Pattern;

/** Redis stream entry ids ({@code <ms>-<seq>}): validation and ordering. */
public final class StreamIds {

    public static final String BEGINNING = "0-0";
    private static final Pattern ID = Pattern.compile("\\d{1,20}(-\\d{1,20})?");

    private StreamIds() {
    }

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
        return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
    }
}
