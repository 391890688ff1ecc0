package dev.trawl.scrape.session;

import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * One cookie of a session with the attributes that decide where it may go (RFC 6265): a
 * {@code Domain} narrows it to that domain and its subdomains, a {@code Path} to that path and
 * below, {@code Secure} to https. Without a Domain or Path it goes to every host the profile matches
 * and every path: the login URL says where the site hands out sessions, not where they are used,
 * and the profile is the operator's word on which hosts share them.
 */
public record SessionCookie(String name, String value, Optional<String> domain, String path, boolean secure) {

    /** The cookie a {@code Set-Cookie} header sets, if it is well formed and still alive. */
    static Optional<SessionCookie> parse(String setCookie, URI loginUrl) {
        Cookie cookie = ClientCookieDecoder.LAX.decode(setCookie);
        if (cookie == null || cookie.name().isEmpty()) {
            return Optional.empty();
        }
        Optional<String> domain = Optional.ofNullable(cookie.domain())
                .map(d -> d.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
                .filter(d -> !d.isEmpty());
        if (domain.isPresent() && !domainMatches(hostOf(loginUrl), domain.get())) {
            return Optional.empty(); // a site may not set cookies for a domain it is not part of
        }
        String path = cookie.path() != null && cookie.path().startsWith("/") ? cookie.path() : "/";
        return Optional.of(new SessionCookie(cookie.name(), cookie.value(), domain, path, cookie.isSecure()));
    }

    /** Whether a login answer deletes this cookie ({@code Max-Age=0} or an expiry in the past). */
    static boolean deletes(String setCookie) {
        Cookie cookie = ClientCookieDecoder.LAX.decode(setCookie);
        return cookie != null && cookie.maxAge() != Cookie.UNDEFINED_MAX_AGE && cookie.maxAge() <= 0;
    }

    /** Whether the cookie may be sent with a request to {@code target}. */
    public boolean goesTo(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (secure && !scheme.equals("https")) {
            return false;
        }
        if (domain.isPresent() && !domainMatches(hostOf(target), domain.get())) {
            return false;
        }
        return pathMatches(target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath());
    }

    private boolean pathMatches(String requestPath) {
        if (requestPath.equals(path)) {
            return true;
        }
        return requestPath.startsWith(path) && (path.endsWith("/") || requestPath.charAt(path.length()) == '/');
    }

    private static boolean domainMatches(String host, String domain) {
        return host.equals(domain) || host.endsWith("." + domain);
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("name", name)
                .put("value", value)
                .put("path", path)
                .put("secure", secure);
        domain.ifPresent(d -> json.put("domain", d));
        return json;
    }

    static SessionCookie fromJson(JsonObject json) {
        return new SessionCookie(
                json.getString("name"),
                json.getString("value"),
                Optional.ofNullable(json.getString("domain")),
                json.getString("path", "/"),
                json.getBoolean("secure", false));
    }
}
