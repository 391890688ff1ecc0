package dev.trawl.scrape.session;

import dev.trawl.scrape.FetchConfig;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.OutboundAddressGuard;
import dev.trawl.scrape.site.SessionSettings;
import dev.trawl.scrape.site.SiteProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Logs in to a site: one request to the profile's login URL, whose {@code Set-Cookie} headers
 * become the {@code Cookie} header of the session. Redirects are not followed: login endpoints set
 * their cookies on the answer that redirects, and the target is of no use to us.
 */
@ApplicationScoped
public class SessionLogin {

    private static final Pattern DELETED = Pattern.compile("(?i)(^|;)\\s*max-age\\s*=\\s*(0|-\\d+)\\s*(;|$)");

    private final WebClient client;
    private final OutboundAddressGuard guard;
    private final SessionsConfig config;

    public SessionLogin(Vertx vertx, OutboundAddressGuard guard, FetchConfig fetch, SessionsConfig config) {
        this.guard = guard;
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent(fetch.userAgent())
                .setFollowRedirects(false)
                .setConnectTimeout((int) fetch.connectTimeout().toMillis())
                .setKeepAlive(false));
    }

    /** The {@code Cookie} header value the login answered with. */
    public Uni<String> login(SiteProfile profile) {
        SessionSettings settings = profile.session()
                .orElseThrow(() -> new IllegalArgumentException("Site profile " + profile.name() + " has no session"));
        URI target = URI.create(settings.loginUrl());
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return guard.check(target)
                .chain(address -> send(profile, settings, SocketAddress.inetSocketAddress(port, address.getHostAddress())))
                .onFailure(failure -> !(failure instanceof FetchFailure))
                .transform(failure -> FetchFailure.transientFailure("session-login-failed",
                        "Login for site profile " + profile.name() + " failed: " + failure.getMessage()))
                .map(response -> cookieHeader(profile, response));
    }

    private Uni<HttpResponse<Buffer>> send(SiteProfile profile, SessionSettings settings, SocketAddress address) {
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(settings.method().toUpperCase(Locale.ROOT)),
                        address, settings.loginUrl())
                .timeout(config.loginTimeout().toMillis());
        profile.headers().forEach(request::putHeader);
        if (settings.body().isEmpty()) {
            return request.send();
        }
        request.putHeader("Content-Type", settings.contentType());
        return request.sendBuffer(Buffer.buffer(settings.body().get()));
    }

    private static String cookieHeader(SiteProfile profile, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 400) {
            boolean retriable = status >= 500 || status == 429 || status == 408;
            throw new FetchFailure("session-login-failed", retriable, status,
                    "Login for site profile " + profile.name() + " answered HTTP " + status);
        }
        String header = cookieHeader(response.cookies());
        if (header.isEmpty()) {
            throw FetchFailure.permanent("session-login-failed",
                    "Login for site profile " + profile.name() + " answered HTTP " + status + " without cookies");
        }
        return header;
    }

    /**
     * {@code name=value} of every Set-Cookie, attributes dropped; a later cookie of the same name
     * wins, and one the site deletes ({@code Max-Age=0}, as logins do with a stale session id) is
     * left out.
     */
    static String cookieHeader(List<String> setCookies) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String setCookie : setCookies) {
            String[] parts = setCookie.split(";", 2);
            String pair = parts[0].trim();
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).trim();
            if (parts.length > 1 && DELETED.matcher(parts[1]).find()) {
                cookies.remove(name);
            } else {
                cookies.put(name, pair.substring(eq + 1).trim());
            }
        }
        StringBuilder header = new StringBuilder();
        cookies.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
        return header.toString();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
