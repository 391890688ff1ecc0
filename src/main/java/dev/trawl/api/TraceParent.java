package dev.trawl.api;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The trace id of a W3C Trace Context {@code traceparent} request header
 * (https://www.w3.org/TR/trace-context/#traceparent-header), kept with the jobs a request
 * submits so their log lines can be found by the caller's trace. A header that is missing,
 * repeated or not valid is ignored, as the specification asks of a receiver: the request goes on
 * without a trace id, never refused for it.
 */
public final class TraceParent {

    public static final String HEADER = "traceparent";

    /** {@code version-traceid-parentid-flags}: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
    private static final int LENGTH = 55;

    private TraceParent() {}

    /** The trace id of the request's only {@code traceparent} header, or null. */
    public static String traceIdOf(MultiMap headers) {
        List<String> values = headers.getAll(HEADER);
        return values.size() == 1 ? traceId(values.get(0)) : null;
    }

    /**
     * The trace id (32 lower-case hex digits) of a {@code traceparent} value, or null if the value is
     * not valid. Version 00 is exactly 55 characters; a later version may append fields after a
     * dash, which are ignored; version ff is invalid. Trace id and parent id must not be all zeros.
     */
    public static String traceId(String value) {
        if (value == null) {
            return null;
        }
        String header = value.strip();
        if (header.length() < LENGTH
                || !lowerHex(header, 0, 2)
                || header.startsWith("ff")
                || header.charAt(2) != '-'
                || header.charAt(35) != '-'
                || header.charAt(52) != '-'
                || !lowerHex(header, 3, 35)
                || !lowerHex(header, 36, 52)
                || !lowerHex(header, 53, 55)
                || allZeros(header, 3, 35)
                || allZeros(header, 36, 52)) {
            return null;
        }
        boolean version00 = header.startsWith("00");
        if (header.length() > LENGTH && (version00 || header.charAt(LENGTH) != '-')) {
            return null;
        }
        return header.substring(3, 35);
    }

    private static boolean lowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
