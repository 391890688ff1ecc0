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
 * @param allowedProfiles site profiles whose session and headers the job may use (its caller's
 *                       tier decides); null for all
 * @param webhook         where the job's chosen events are POSTed; null for none
 */
public record JobSpec(
        String url,
        List<String> formats,
        Priority priority,
        Map<String, FieldSelector> selectors,
        CrawlSpec crawl,
        Map<String, String> headers,
        Integer timeoutSeconds,
        boolean respectRobots,
        boolean render,
        Integer maxAttempts,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        List<String> allowedProfiles,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        WebhookSpec webhook) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public JobSpec {
        formats = List.copyOf(formats);
        selectors = selectors == null ? Map.of() : new TreeMap<>(selectors);
        crawl = crawl == null ? CrawlSpec.SINGLE_PAGE : crawl;
        headers = headers == null ? Map.of() : new TreeMap<>(headers);
        allowedProfiles = allowedProfiles == null ? null : List.copyOf(allowedProfiles);
    }

    public JobSpec(
            String url,
            List<String> formats,
            Priority priority,
            Map<String, FieldSelector> selectors,
            CrawlSpec crawl,
            Map<String, String> headers,
            Integer timeoutSeconds,
            boolean respectRobots,
            boolean render,
            Integer maxAttempts) {
        this(
                url,
                formats,
                priority,
                selectors,
                crawl,
                headers,
                timeoutSeconds,
                respectRobots,
                render,
                maxAttempts,
                null,
                null);
    }

    /** A single page with default options. */
    public JobSpec(String url, List<String> formats, Priority priority) {
        this(url, formats, priority, Map.of(), CrawlSpec.SINGLE_PAGE, Map.of(), null, true, false, null, null, null);
    }

    /** This spec, its jobs allowed only the named site profiles (none if empty). */
    public JobSpec withAllowedProfiles(List<String> names) {
        return new JobSpec(
                url,
                formats,
                priority,
                selectors,
                crawl,
                headers,
                timeoutSeconds,
                respectRobots,
                render,
                maxAttempts,
                names,
                webhook);
    }

    /** This spec, its chosen events POSTed to {@code hook} (none if null). */
    public JobSpec withWebhook(WebhookSpec hook) {
        return new JobSpec(
                url,
                formats,
                priority,
                selectors,
                crawl,
                headers,
                timeoutSeconds,
                respectRobots,
                render,
                maxAttempts,
                allowedProfiles,
                hook);
    }

    /** Whether the job may use the session and headers of the named site profile. */
    public boolean mayUseProfile(String name) {
        return allowedProfiles == null || allowedProfiles.contains(name);
    }

    public boolean wants(String format) {
        return formats.contains(format);
    }
}
