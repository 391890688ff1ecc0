package dev.trawl.scrape.site;

import java.time.Duration;
import java.util.Optional;

/** How to obtain a site's session and how long it lives. */
public record SessionSettings(String loginUrl, String method, Optional<String> body, String contentType,
        Duration ttl, Duration renewBefore) {

    public SessionSettings {
        if (renewBefore.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("renew-before (" + renewBefore + ") must be shorter than the ttl (" + ttl + ")");
        }
    }

    static SessionSettings of(SiteProfilesConfig.Session config) {
        return new SessionSettings(config.loginUrl(), config.method(), config.body(), config.contentType(),
                config.ttl(), config.renewBefore());
    }
}
