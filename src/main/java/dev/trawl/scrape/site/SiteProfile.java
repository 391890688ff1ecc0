package dev.trawl.scrape.site;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One configured site: which hosts it covers and what requests to them need. Its headers and
 * session cookie go only to hosts its pattern matches, and to a render backend only with
 * {@code renderCredentials}.
 */
public record SiteProfile(
        String name,
        HostPattern hostPattern,
        Map<String, String> headers,
        OptionalInt maxConcurrency,
        Optional<Duration> minDelay,
        boolean render,
        boolean renderCredentials,
        Optional<SessionSettings> session) {

    public SiteProfile {
        headers = Map.copyOf(headers);
    }

    static SiteProfile of(String name, SiteProfilesConfig.Site config) {
        return new SiteProfile(
                name,
                HostPattern.parse(config.hostPattern()),
                config.headers(),
                config.maxConcurrency(),
                config.minDelay(),
                config.render(),
                config.renderCredentials(),
                config.session().map(SessionSettings::of));
    }
}
