package dev.trawl.scrape.site;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;

/** How to obtain a site's session and how long it lives. */
public record SessionSettings(
        String loginUrl, String method, Optional<String> body, String contentType, Duration ttl, Duration renewBefore) {

    public SessionSettings {
        URI uri;
        try {
            uri = new URI(loginUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("login-url is not a URL: " + loginUrl, e);
        }
        if (uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("login-url must be an absolute http(s) URL: " + loginUrl);
        }
        if (renewBefore.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException(
                    "renew-before (" + renewBefore + ") must be shorter than the ttl (" + ttl + ")");
        }
    }

    static SessionSettings of(SiteProfilesConfig.Session config) {
        return new SessionSettings(
                config.loginUrl(),
                config.method(),
                config.body(),
                config.contentType(),
                config.ttl(),
                config.renewBefore());
    }
}
