package dev.trawl.scrape.site;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What real sites need beyond a plain fetch, one entry per site, keyed by a name of our choice:
 * {@code trawl.sites.<name>.host-pattern=*.example.org}, {@code trawl.sites.<name>.headers.<Header>=…},
 * {@code trawl.sites.<name>.session.login-url=…}.
 */
@ConfigMapping(prefix = "trawl.sites")
public interface SiteProfilesConfig {

    /** The map key is the profile's name; {@code @WithParentName} drops the segment a method name would add. */
    @WithParentName
    Map<String, Site> profiles();

    interface Site {

        /** An exact host ({@code shop.example.org}) or a glob ({@code *.example.org}); case-insensitive. */
        String hostPattern();

        /** Sent with every request to the site (and with the login request). */
        Map<String, String> headers();

        /** Overrides the politeness default for requests in flight to this site across the cluster. */
        OptionalInt maxConcurrency();

        /** Overrides the politeness default for the pause between two requests to this site. */
        Optional<Duration> minDelay();

        /** Fetch the site's pages through a render backend (for pages built by JavaScript). */
        @WithDefault("false")
        boolean render();

        /**
         * Hand the profile's headers and session cookie to the render backend with a render. Off by
         * default: the backend is a browser that follows redirects and scripts on its own, so what
         * it is given may reach hosts this profile does not cover.
         */
        @WithDefault("false")
        boolean renderCredentials();

        Optional<Session> session();
    }

    interface Session {

        String loginUrl();

        @WithDefault("POST")
        String method();

        /** The login request's body, e.g. {@code user=trawl&password=${SHOP_PASSWORD}}; never logged. */
        Optional<String> body();

        @WithDefault("application/x-www-form-urlencoded")
        String contentType();

        /** How long a session is used after its login; the TTL of its Redis key. */
        @WithDefault("30M")
        Duration ttl();

        /** One worker logs in again once the session has less than this left; the others keep using it. */
        @WithDefault("5M")
        Duration renewBefore();
    }
}
