package dev.trawl.scrape.session;

import dev.trawl.scrape.HopHeaders;
import dev.trawl.scrape.site.SiteProfile;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The headers of a job's request: the job's own on every hop; the profile's headers and session
 * cookie only on a hop to a host the profile matches, each cookie only where its Secure, Domain and
 * Path let it go; to a render backend only if the profile says so.
 */
public record SiteCredentials(
        Map<String, String> jobHeaders, Optional<SiteProfile> profile, Optional<SiteSession> session)
        implements HopHeaders {

    public SiteCredentials {
        jobHeaders = Map.copyOf(jobHeaders);
    }

    @Override
    public Map<String, String> forHop(URI target) {
        Map<String, String> headers = new LinkedHashMap<>();
        boolean covered = profile.isPresent() && profile.get().hostPattern().matches(target.getHost());
        if (covered) {
            headers.putAll(profile.get().headers());
        }
        headers.putAll(jobHeaders);
        if (covered) {
            session.flatMap(s -> s.cookieHeaderFor(target)).ifPresent(cookie -> headers.put("Cookie", cookie));
        }
        return headers;
    }

    /** What a render backend is given to render {@code target}. */
    public Map<String, String> forRender(URI target) {
        if (profile.map(SiteProfile::renderCredentials).orElse(false)) {
            return forHop(target);
        }
        return jobHeaders;
    }
}
