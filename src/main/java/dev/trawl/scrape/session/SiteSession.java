package dev.trawl.scrape.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A site profile's current session: its cookies, each with the attributes that say where it may
 * go, and its version, which {@link SiteSessions#invalidate} takes so that only this session, not a
 * newer one, is dropped.
 */
public record SiteSession(String profile, List<SessionCookie> cookies, long version) {

    public SiteSession {
        cookies = List.copyOf(cookies);
    }

    /** The {@code Cookie} header for a request to {@code target}: the cookies whose scope covers it. */
    public Optional<String> cookieHeaderFor(URI target) {
        return join(cookies.stream().filter(cookie -> cookie.goesTo(target)).toList());
    }

    /**
     * The cookies of a login answer's {@code Set-Cookie} headers: a later cookie of the same name
     * wins, one the site deletes ({@code Max-Age=0}, as logins do with a stale session id) is left
     * out, malformed ones are ignored.
     */
    static List<SessionCookie> fromSetCookies(List<String> setCookies, URI loginUrl) {
        Map<String, SessionCookie> byName = new LinkedHashMap<>();
        for (String setCookie : setCookies) {
            Optional<SessionCookie> cookie = SessionCookie.parse(setCookie, loginUrl);
            if (cookie.isEmpty()) {
                continue;
            }
            if (SessionCookie.deletes(setCookie)) {
                byName.remove(cookie.get().name());
            } else {
                byName.put(cookie.get().name(), cookie.get());
            }
        }
        return new ArrayList<>(byName.values());
    }

    static Optional<String> join(List<SessionCookie> cookies) {
        if (cookies.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder header = new StringBuilder();
        cookies.forEach(c -> header.append(header.length() == 0 ? "" : "; ")
                .append(c.name())
                .append('=')
                .append(c.value()));
        return Optional.of(header.toString());
    }

    /** The form kept in Redis. */
    static String encode(List<SessionCookie> cookies) {
        JsonArray array = new JsonArray();
        cookies.forEach(cookie -> array.add(cookie.toJson()));
        return array.encode();
    }

    static List<SessionCookie> decode(String stored) {
        if (!stored.startsWith("[")) {
            // a session stored before cookies kept their attributes: a plain Cookie header, which lives out its TTL
            List<SessionCookie> legacy = new ArrayList<>();
            for (String pair : stored.split(";\\s*")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    legacy.add(new SessionCookie(
                            pair.substring(0, eq), pair.substring(eq + 1), Optional.empty(), "/", false));
                }
            }
            return legacy;
        }
        List<SessionCookie> cookies = new ArrayList<>();
        new JsonArray(stored).forEach(item -> cookies.add(SessionCookie.fromJson((JsonObject) item)));
        return cookies;
    }
}
