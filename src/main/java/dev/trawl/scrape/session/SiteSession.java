package dev.trawl.scrape.session;

/**
 * A site profile's current session: the {@code Cookie} header to send, and its version, which
 * {@link SiteSessions#invalidate} takes so that only this session, not a newer one, is dropped.
 */
public record SiteSession(String profile, String cookieHeader, long version) {
}
