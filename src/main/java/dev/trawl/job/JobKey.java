package dev.trawl.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * SHA-256 over the canonical request: two requests with the same key would produce the same
 * output. Formats are sorted and de-duplicated first, so their order does not matter; priority
 * and timeout do not change the output and are left out.
 */
public final class JobKey {

    private JobKey() {
    }

    public static String of(JobSpec spec) {
        String canonical = "v2\n" + spec.url() + "\n" + String.join(",", new TreeSet<>(spec.formats()))
                + "\n" + spec.selectors() + "\n" + spec.crawl() + "\n" + spec.headers()
                + "\n" + spec.respectRobots() + "\n" + spec.render();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
