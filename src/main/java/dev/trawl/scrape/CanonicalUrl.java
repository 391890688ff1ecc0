package dev.trawl.scrape;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The canonical form of a URL to scrape (crawler-commons' normaliser: lowercase scheme and host,
 * default port dropped, path dot-segments resolved, percent-encoding normalised, fragment
 * removed), or nothing if it is not an absolute http(s) URL with a host.
 */
public final class CanonicalUrl {

    private static final BasicURLNormalizer NORMALIZER = new BasicURLNormalizer();
    private static final java.util.regex.Pattern TRACKING = java.util.regex.Pattern.compile(
            "(?i)^(utm_[a-z_]+|gclid|dclid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid)$");

    private CanonicalUrl() {}

    /** The canonical form with tracking parameters (utm_*, gclid, fbclid, ...) removed from the query. */
    public static Optional<String> withoutTracking(String url) {
        return of(url).map(CanonicalUrl::stripTracking);
    }

    private static String stripTracking(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        String kept = java.util.Arrays.stream(url.substring(q + 1).split("&"))
                .filter(param -> !param.isEmpty()
                        && !TRACKING.matcher(param.split("=", 2)[0]).matches())
                .collect(java.util.stream.Collectors.joining("&"));
        return kept.isEmpty() ? url.substring(0, q) : url.substring(0, q + 1) + kept;
    }

    public static Optional<String> of(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String normalised = NORMALIZER.filter(url.trim());
        if (normalised == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(normalised);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getHost().isEmpty()) {
                return Optional.empty();
            }
            int hash = normalised.indexOf('#');
            return Optional.of(hash < 0 ? normalised : normalised.substring(0, hash));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
