package dev.trawl.job;

import dev.trawl.scrape.FieldSelector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client asked for, validated and with its URL in canonical form. It is stored as the
 * job's {@code request} column and is what a worker runs.
 *
 * @param timeoutSeconds per page; null for the configured default
 * @param maxAttempts    attempts before a transiently failing job fails; null for the default (3)
 */
public record JobSpec(String url, List<String> formats, Priority priority, Map<String, FieldSelector> selectors,
        CrawlSpec crawl, Map<String, String> headers, Integer timeoutSeconds, boolean respectRobots, boolean render,
        Integer maxAttempts) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public JobSpec {
        formats = List.copyOf(formats);
        selectors = selectors == null ? Map.of() : new TreeMap<>(selectors);
        crawl = crawl == null ? CrawlSpec.SINGLE_PAGE : crawl;
        headers = headers == null ? Map.of() : new TreeMap<>(headers);
    }

    /** A single page with default options. */
    public JobSpec(String url, List<String> formats, Priority priority) {
        this(url, formats, priority, Map.of(), CrawlSpec.SINGLE_PAGE, Map.of(), null, true, false, null);
    }

    public boolean wants(String format) {
        return formats.contains(format);
    }
}
