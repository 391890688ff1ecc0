package dev.trawl.scrape.render;

import dev.trawl.scrape.FetchConfig;
import dev.trawl.scrape.FetchFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Renders pages through a pool of render services. Each render goes to the backend with the
 * fewest requests in flight among those whose breaker is not open (ties taken in turn, so a quiet
 * pool is still shared); if that backend fails, times out or is unavailable, the next one is
 * tried at once. When a whole pass over the pool fails, the pass is repeated after an
 * exponentially growing pause, up to {@code max-attempts} passes.
 * <p>
 * Backends are infrastructure we configure, not sites, so the SSRF guard does not apply to them:
 * they usually live on a private network. The URL a backend is asked to render is vetted by the
 * caller ({@code PageScraper}) as a fetch's would be; what the backend's browser does next is held
 * in by its egress policy (deploy/k8s/render-egress-networkpolicy.yaml).
 */
@Startup // the breaker gauges exist from the start, not from the first render
@ApplicationScoped
public class RenderBackends {

    private final List<RenderBackend> backends;
    private final WebClient client;
    private final RenderConfig config;
    private final AtomicInteger turn = new AtomicInteger();

    public RenderBackends(Vertx vertx, RenderConfig config, FetchConfig fetch, MeterRegistry registry) {
        if (config.maxAttempts() < 1) {
            throw new IllegalArgumentException("trawl.render.max-attempts must be at least 1");
        }
        this.config = config;
        this.client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setConnectTimeout((int) Math.min(config.timeout().toMillis(), Integer.MAX_VALUE))
                        .setMaxPoolSize(64)
                        .setKeepAlive(true));
        List<String> bases = config.backends().orElse(List.of()).stream()
                .map(String::trim)
                .filter(base -> !base.isEmpty())
                .distinct()
                .toList();
        this.backends = IntStream.range(0, bases.size())
                .mapToObj(i -> new RenderBackend(i, bases.get(i), client, config, fetch.maxBodyBytes(), registry))
                .toList();
    }

    /**
     * The page as a browser would show it. Fails with a transient {@code render-unavailable}
     * {@link FetchFailure} when every backend failed on every pass, and with a permanent
     * {@code render-rejected} one when a backend refused the request itself (a 4xx), and with a
     * permanent {@code oversize} one when the rendered HTML is larger than
     * {@code trawl.fetch.max-body-bytes} (as a fetched body would; no other backend is tried).
     */
    public Uni<RenderedPage> render(String url, Map<String, String> headers) {
        Objects.requireNonNull(url, "url");
        if (backends.isEmpty()) {
            return Uni.createFrom()
                    .failure(FetchFailure.transientFailure(
                            "render-unavailable", "No render backends are configured (trawl.render.backends)"));
        }
        Map<String, String> sent = headers == null ? Map.of() : Map.copyOf(headers);
        Uni<RenderedPage> pass = Uni.createFrom().deferred(() -> pass(url, sent, new HashSet<>(), null));
        if (config.maxAttempts() > 1) {
            pass = pass.onFailure(RenderFailure.NoBackendLeft.class)
                    .retry()
                    .withBackOff(config.initialBackoff(), config.maxBackoff())
                    .atMost(config.maxAttempts() - 1L);
        }
        return pass.onFailure(RenderFailure.NoBackendLeft.class)
                .transform(failure -> FetchFailure.transientFailure(
                        "render-unavailable",
                        "Could not render " + url + " after " + config.maxAttempts() + " passes over " + backends.size()
                                + " backends: " + failure.getMessage()))
                .onFailure(RenderFailure.Rejected.class)
                .transform(failure -> new FetchFailure(
                        "render-rejected", false, ((RenderFailure.Rejected) failure).status, failure.getMessage()));
    }

    private Uni<RenderedPage> pass(String url, Map<String, String> headers, Set<RenderBackend> tried, Throwable last) {
        Optional<RenderBackend> next = choose(tried);
        if (next.isEmpty()) {
            return Uni.createFrom().failure(new RenderFailure.NoBackendLeft(last));
        }
        RenderBackend backend = next.get();
        tried.add(backend);
        backend.reserve();
        return backend.render(url, headers)
                .onFailure(
                        failure -> !(failure instanceof RenderFailure.Rejected) && !(failure instanceof FetchFailure))
                .recoverWithUni(failure -> pass(url, headers, tried, failure));
    }

    private Optional<RenderBackend> choose(Set<RenderBackend> tried) {
        int size = backends.size();
        int start = Math.floorMod(turn.getAndIncrement(), size);
        RenderBackend best = null;
        for (int i = 0; i < size; i++) {
            RenderBackend candidate = backends.get((start + i) % size);
            if (tried.contains(candidate) || !candidate.available()) {
                continue;
            }
            if (best == null || candidate.outstanding() < best.outstanding()) {
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The configured base URLs, in order. */
    public List<String> backends() {
        return backends.stream().map(RenderBackend::base).toList();
    }

    /** The {@code backend} tag of a configured base URL in metrics and {@link RenderedPage#backend()}. */
    public String tagOf(String backend) {
        return find(backend).tag();
    }

    /** Requests that actually went to the backend (not those its open breaker stopped). */
    public long attempts(String backend) {
        return find(backend).attempts();
    }

    public int outstanding(String backend) {
        return find(backend).outstanding();
    }

    public CircuitBreakerState breakerState(String backend) {
        return find(backend).state();
    }

    private RenderBackend find(String base) {
        return backends.stream()
                .filter(b -> b.base().equals(base))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No such render backend"));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
