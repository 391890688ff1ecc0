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
import java.util.List;
import java.util.Locale;

/**
 * Logs in to a site: one request to the profile's login URL, whose {@code Set-Cookie} headers
 * become the cookies of the session, with the attributes that say where each may be sent. Redirects are not followed: login endpoints set
 * their cookies on the answer that redirects, and the target is of no use to us.
 */
@ApplicationScoped
public class SessionLogin {

    private final WebClient client;
    private final OutboundAddressGuard guard;
    private final SessionsConfig config;

    public SessionLogin(Vertx vertx, OutboundAddressGuard guard, FetchConfig fetch, SessionsConfig config) {
        this.guard = guard;
        this.config = config;
        this.client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setUserAgent(fetch.userAgent())
                        .setFollowRedirects(false)
                        .setConnectTimeout((int) fetch.connectTimeout().toMillis())
                        .setKeepAlive(false));
    }

    /** The cookies the login answered with. */
    public Uni<List<SessionCookie>> login(SiteProfile profile) {
        SessionSettings settings = profile.session()
                .orElseThrow(() -> new IllegalArgumentException("Site profile " + profile.name() + " has no session"));
        URI target = URI.create(settings.loginUrl());
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return guard.check(target)
                .chain(address ->
                        send(profile, settings, SocketAddress.inetSocketAddress(port, address.getHostAddress())))
                .onFailure(failure -> !(failure instanceof FetchFailure))
                .transform(failure -> FetchFailure.transientFailure(
                        "session-login-failed",
                        "Login for site profile " + profile.name() + " failed: " + failure.getMessage()))
                .map(response -> cookies(profile, target, response));
    }

    private Uni<HttpResponse<Buffer>> send(SiteProfile profile, SessionSettings settings, SocketAddress address) {
        HttpRequest<Buffer> request = client.requestAbs(
                        HttpMethod.valueOf(settings.method().toUpperCase(Locale.ROOT)), address, settings.loginUrl())
                .timeout(config.loginTimeout().toMillis());
        profile.headers().forEach(request::putHeader);
        if (settings.body().isEmpty()) {
            return request.send();
        }
        request.putHeader("Content-Type", settings.contentType());
        return request.sendBuffer(Buffer.buffer(settings.body().get()));
    }

    private static List<SessionCookie> cookies(SiteProfile profile, URI loginUrl, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 400) {
            boolean retriable = status >= 500 || status == 429 || status == 408;
            throw new FetchFailure(
                    "session-login-failed",
                    retriable,
                    status,
                    "Login for site profile " + profile.name() + " answered HTTP " + status);
        }
        List<SessionCookie> cookies = SiteSession.fromSetCookies(response.cookies(), loginUrl);
        if (cookies.isEmpty()) {
            throw FetchFailure.permanent(
                    "session-login-failed",
                    "Login for site profile " + profile.name() + " answered HTTP " + status + " without cookies");
        }
        return cookies;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
