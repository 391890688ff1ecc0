package dev.trawl.events;

import java.util.Locale;

/** What happened to a job; the wire name is the lowercase constant. */
public enum EventType {
    QUEUED,
    SCHEDULED,
    STARTED,
    RESUMED,
    /** A crawl read its site's sitemaps: how many, the URLs they added to the frontier, what went wrong. */
    SITEMAPS,
    PAGE,
    RETRYING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    ABORTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** After a terminal event a job writes no more events and its SSE stream ends. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == ABORTED;
    }

    public static boolean isTerminal(String wireName) {
        try {
            return valueOf(wireName.toUpperCase(Locale.ROOT)).terminal();
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }
}
