package dev.trawl.job;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a job's events are POSTed: the receiver's URL, the event types (wire names) it wants and
 * the extra headers sent with each delivery. Validated at submit; signed with its owner's secret.
 */
public record WebhookSpec(String url, List<String> events, Map<String, String> headers) {

    public WebhookSpec {
        events = List.copyOf(events);
        headers = headers == null ? Map.of() : new TreeMap<>(headers);
    }
}
