package dev.trawl.scrape;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a page with the Vert.x web client, without blocking. Redirects are followed here rather
 * than by the client, so the address guard sees every hop and a loop is caught.
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

    /** Fetches on a lease of its own, held for the whole redirect chain. */
    public Uni<FetchedPage> fetch(String url) {
        return Uni.createFrom().deferred(() -> {
            FetchClients.Lease lease = clients.acquire();
            return fetch(lease, url).eventually(lease::close);
        });
    }

    /** Fetches on the caller's lease, for a job that makes several fetches on one client. */
    public Uni<FetchedPage> fetch(FetchClients.Lease lease, String url) {
        return hop(lease.client(), url, url, new HashSet<>());
    }

    private Uni<FetchedPage> hop(WebClient client, String original, String current, Set<String> visited) {
        if (!visited.add(current)) {
            return Uni.createFrom().failure(FetchFailure.permanent("redirect-loop", "Redirect loop at " + current));
        }
        if (visited.size() > config.maxRedirects() + 1) {
            return Uni.createFrom().failure(FetchFailure.permanent("too-many-redirects",
                    "More than " + config.maxRedirects() + " redirects from " + original));
        }
        URI target;
        try {
            target = new URI(current);
        } catch (URISyntaxException e) {
            return Uni.createFrom().failure(FetchFailure.permanent("invalid-url", "Invalid URL " + current));
        }
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return guard.check(target)
                .chain(address -> client.requestAbs(HttpMethod.GET,
                                SocketAddress.inetSocketAddress(port, address.getHostAddress()), current)
                        .timeout(config.requestTimeout().toMillis())
                        .putHeader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
                        .send())
                .onFailure(failure -> !(failure instanceof FetchFailure)).transform(PageFetcher::classify)
                .chain(response -> {
                    int status = response.statusCode();
                    String location = response.getHeader("Location");
                    if (status >= 300 && status < 400 && location != null) {
                        return hop(client, original, target.resolve(location.trim()).toString(), visited);
                    }
                    return Uni.createFrom().item(() -> toPage(original, current, response));
                });
    }

    private FetchedPage toPage(String original, String finalUrl, HttpResponse<Buffer> response) {
        Buffer body = response.body();
        long size = body == null ? 0 : body.length();
        if (size > config.maxBodyBytes()) {
            throw FetchFailure.permanent("oversize", "The body of " + finalUrl + " is " + size
                    + " bytes, over the limit of " + config.maxBodyBytes());
        }
        int status = response.statusCode();
        if (status >= 400) {
            throw FetchFailure.httpStatus(status);
        }
        return new FetchedPage(original, finalUrl, status, response.getHeader("Content-Type"),
                body == null ? new byte[0] : body.getBytes());
    }

    static FetchFailure classify(Throwable failure) {
        if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
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
