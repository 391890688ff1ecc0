package dev.trawl.scrape;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a page with the Vert.x web client, without blocking. Redirects are followed here rather
 * than by the client, so the address guard sees every hop (a redirect to anything but http(s) is a
 * permanent failure), a loop is caught, and each hop gets only the headers meant for it.
 */
@ApplicationScoped
public class PageFetcher {

    private final FetchClients clients;
    private final OutboundAddressGuard guard;
    private final FetchConfig config;

    public PageFetcher(FetchClients clients, OutboundAddressGuard guard, FetchConfig config) {
        this.clients = clients;
        this.guard = guard;
        this.config = config;
    }

    public Uni<FetchedPage> fetch(String url) {
        return fetch(url, HopHeaders.always(Map.of()), config.requestTimeout());
    }

    /** Fetches on a lease of its own, held for the whole redirect chain. */
    public Uni<FetchedPage> fetch(String url, HopHeaders headers, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            FetchClients.Lease lease = clients.acquire();
            return fetch(lease, url, headers, timeout).eventually(lease::close);
        });
    }

    /**
     * Fetches on the caller's lease (a job holds one for all its pages), with extra request
     * headers chosen for each hop and a time limit per hop.
     */
    public Uni<FetchedPage> fetch(FetchClients.Lease lease, String url, HopHeaders headers, Duration timeout) {
        return hop(lease.client(), url, url, new HashSet<>(), headers, timeout);
    }

    private Uni<FetchedPage> hop(
            WebClient client,
            String original,
            String current,
            Set<String> visited,
            HopHeaders headers,
            Duration timeout) {
        if (!visited.add(current)) {
            return Uni.createFrom().failure(FetchFailure.permanent("redirect-loop", "Redirect loop at " + current));
        }
        if (visited.size() > config.maxRedirects() + 1) {
            return Uni.createFrom()
                    .failure(FetchFailure.permanent(
                            "too-many-redirects",
                            "More than " + config.maxRedirects() + " redirects from " + original));
        }
        URI target;
        try {
            target = new URI(current);
        } catch (URISyntaxException e) {
            return Uni.createFrom().failure(FetchFailure.permanent("invalid-url", "Invalid URL " + current));
        }
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        CappedBody body = CappedBody.fetchedBody(config.maxBodyBytes(), current);
        return guard.checkUrl(target)
                .chain(address -> client.requestAbs(
                                HttpMethod.GET,
                                SocketAddress.inetSocketAddress(port, address.getHostAddress()),
                                current)
                        .timeout(timeout.toMillis())
                        .putHeader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
                        .putHeader("Accept-Encoding", "gzip, deflate, br")
                        .putHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers.forHop(target)))
                        .as(BodyCodec.<Void>newInstance(io.vertx.ext.web.codec.BodyCodec.pipe(body, false)))
                        .send())
                .chain(response -> {
                    int status = response.statusCode();
                    String location = response.getHeader("Location");
                    if (status >= 300 && status < 400 && location != null) {
                        return hop(client, original, redirectTarget(target, location), visited, headers, timeout);
                    }
                    return Uni.createFrom().item(() -> toPage(original, current, response, body.bytes()));
                })
                // after the answer's handling too: whatever goes wrong with one page fails that page
                .onFailure(failure -> !(failure instanceof FetchFailure))
                .transform(PageFetcher::classify);
    }

    /** Where a {@code Location} points, resolved against the URL that sent it; a permanent failure if it is no URL. */
    static String redirectTarget(URI from, String location) {
        try {
            return from.resolve(new URI(location.trim())).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            String shown = location.length() > 200 ? location.substring(0, 200) + "…" : location;
            throw FetchFailure.permanent(
                    "invalid-redirect", "The site redirected to \"" + shown + "\", which is not a valid URL");
        }
    }

    private static FetchedPage toPage(String original, String finalUrl, HttpResponse<Void> response, byte[] body) {
        int status = response.statusCode();
        if (status >= 400) {
            throw FetchFailure.httpStatus(status, response.getHeader("Retry-After"));
        }
        return new FetchedPage(original, finalUrl, status, response.getHeader("Content-Type"), body);
    }

    static FetchFailure classify(Throwable failure) {
        if (failure instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return FetchFailure.transientFailure("timeout", "Timed out: " + failure.getMessage());
        }
        if (failure instanceof java.net.UnknownHostException) {
            return FetchFailure.transientFailure("dns", "Could not resolve host: " + failure.getMessage());
        }
        if (failure instanceof IOException) {
            return FetchFailure.transientFailure("connection", "Connection failed: " + failure.getMessage());
        }
        return FetchFailure.transientFailure("fetch-error", String.valueOf(failure.getMessage()));
    }
}
