package dev.trawl.job;

import java.util.TreeSet;

/**
 * SHA-256 over the canonical request: two requests with the same key would produce the same
 * output. Formats are sorted and de-duplicated first, so their order does not matter; priority
 * and timeout do not change the output and are left out. One short string and one digest: a
 * few microseconds, so it is computed on the event loop.
 */
public final class JobKey {

    private JobKey() {}

    public static String of(JobSpec spec) {
        return Sha256.hex("v2\n" + canonical(spec));
    }

    /**
     * The key a job is deduplicated by: the request's key scoped to the caller that asked, so an
     * identical request of another tenant gets a job of its own and never learns this one's id.
     */
    public static String ownedBy(String owner, JobSpec spec) {
        return Sha256.hex("v3\n" + owner + "\n" + canonical(spec));
    }

    private static String canonical(JobSpec spec) {
        String canonical = spec.url() + "\n" + String.join(",", new TreeSet<>(spec.formats())) + "\n"
                + spec.selectors() + "\n" + spec.crawl() + "\n" + spec.headers() + "\n" + spec.respectRobots()
                + "\n" + spec.render();
        // only when present, so the keys of jobs without a webhook stay what they were: a request
        // with another receiver is another job, not a duplicate whose events go elsewhere
        WebhookSpec hook = spec.webhook();
        return hook == null
                ? canonical
                : canonical + "\nwebhook " + hook.url() + " " + new TreeSet<>(hook.events()) + " " + hook.headers();
    }
}
