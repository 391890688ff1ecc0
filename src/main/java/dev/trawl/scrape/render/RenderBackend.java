package dev.trawl.scrape.render;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.util.TypeLiteral;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One render service: its own circuit breaker and timeout (SmallRye Fault Tolerance's
 * programmatic guard, so each backend trips alone), the requests it has in flight, and its
 * metrics.
 */
final class RenderBackend {

    private static final Logger LOG = Logger.getLogger(RenderBackend.class);

    private final String base;
    private final String contentUrl;
    private final WebClient client;
    private final RenderConfig config;
    private final TypedGuard<Uni<RenderedPage>> guard;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;

    RenderBackend(String base, WebClient client, RenderConfig config, MeterRegistry registry) {
        this.base = base;
        this.contentUrl = contentUrl(base);
        this.client = client;
        this.config = config;
        this.registry = registry;
        this.guard = TypedGuard.create(new TypeLiteral<Uni<RenderedPage>>() { })
                .withDescription("render backend " + base)
                .withCircuitBreaker()
                    .failureRatio(config.breaker().failureRatio())
                    .requestVolumeThreshold(config.breaker().requestVolumeThreshold())
                    .delay(config.breaker().delay().toMillis(), ChronoUnit.MILLIS)
                    .skipOn(RenderFailure.Rejected.class)
                    .onStateChange(this::stateChanged)
                    .done()
                .withTimeout()
                    .duration(config.timeout().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
        Gauge.builder("trawl.render.breaker.open", this, b -> b.state == CircuitBreakerState.OPEN ? 1 : 0)
                .tag("backend", base).description("1 while the backend's circuit breaker is open").register(registry);
        Gauge.builder("trawl.render.outstanding", outstanding, AtomicInteger::get)
                .tag("backend", base).description("Render requests in flight to the backend").register(registry);
    }

    /** {@code {base}/content}, keeping a query such as Browserless's {@code ?token=} at the end. */
    static String contentUrl(String base) {
        try {
            URI uri = new URI(base.trim());
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
            return new URI(uri.getScheme(), uri.getAuthority(), path + "/content", uri.getQuery(), null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a render backend URL: " + base, e);
        }
    }

    /** Sends one render through the breaker; the caller has already counted it in {@link #reserve()}. */
    Uni<RenderedPage> render(String url, Map<String, String> headers) {
        return Uni.createFrom().deferred(() -> guard.get(() -> send(url, headers)))
                .onItemOrFailure().invoke((page, failure) -> {
                    outstanding.decrementAndGet();
                    count(outcomeOf(failure));
                });
    }

    /** Counts a request as in flight from the moment it is assigned, so concurrent choices see it. */
    void reserve() {
        outstanding.incrementAndGet();
    }

    private Uni<RenderedPage> send(String url, Map<String, String> headers) {
        attempts.incrementAndGet();
        JsonObject body = new JsonObject().put("url", url);
        if (!headers.isEmpty()) {
            body.put("headers", new JsonObject(Map.copyOf(headers)));
        }
        return client.postAbs(contentUrl)
                .timeout(config.timeout().toMillis())
                .putHeader("Accept", "text/html")
                .sendJsonObject(body)
                .map(response -> page(url, response));
    }

    private RenderedPage page(String url, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            return new RenderedPage(url, response.bodyAsString(), base);
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw new RenderFailure.Unavailable(base, status);
        }
        throw new RenderFailure.Rejected(base, status);
    }

    private static String outcomeOf(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return "prevented";
        }
        if (failure instanceof TimeoutException || failure instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        if (failure instanceof RenderFailure.Unavailable) {
            return "unavailable";
        }
        if (failure instanceof RenderFailure.Rejected) {
            return "rejected";
        }
        return "error";
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("trawl.render.requests")
                .tag("backend", base).tag("outcome", o)
                .description("Render requests by backend and outcome; prevented ones never left the pod")
                .register(registry)).increment();
    }

    private void stateChanged(CircuitBreakerState next) {
        state = next;
        if (next == CircuitBreakerState.OPEN) {
            LOG.warnf("Render backend %s is failing; its circuit breaker is open for %s", base, config.breaker().delay());
        } else {
            LOG.infof("Render backend %s circuit breaker is %s", base, next);
        }
    }

    /** Worth choosing: not behind an open breaker (a half-open one takes its trial request). */
    boolean available() {
        return state != CircuitBreakerState.OPEN;
    }

    String base() {
        return base;
    }

    int outstanding() {
        return outstanding.get();
    }

    long attempts() {
        return attempts.get();
    }

    CircuitBreakerState state() {
        return state;
    }
}
