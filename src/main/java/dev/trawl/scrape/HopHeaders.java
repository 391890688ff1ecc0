package dev.trawl.scrape;

import java.net.URI;
import java.util.Map;

/**
 * The headers of one request of a redirect chain, decided per hop: credentials meant for one
 * site must not follow a redirect to another host or down to plain http.
 */
@FunctionalInterface
public interface HopHeaders {

    Map<String, String> forHop(URI target);

    /** The same headers on every hop: only for headers that carry nothing secret of ours. */
    static HopHeaders always(Map<String, String> headers) {
        Map<String, String> copy = Map.copyOf(headers);
        return target -> copy;
    }
}
