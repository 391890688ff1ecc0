package dev.trawl.scrape.render;

import dev.trawl.scrape.CappedBody;
import dev.trawl.scrape.FetchFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.enterprise.util.TypeLiteral;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One render service: its own circuit breaker and timeout (SmallRye Fault Tolerance's
 * programmatic guard, so each backend trips alone), the requests it has in flight, and its
 * metrics.
 * <p>
 * The base URL may carry credentials (Browserless's {@code ?token=}, user-info): it is used for
 * the request and nowhere else. Metrics and logs name the backend by its position in
 * {@code trawl.render.backends} and its host ({@link #label()}), failures (which reach a job's
 * error) by its position only. An answer's body is read through {@link CappedBody}, so no
 * rendered page is larger than a fetched one may be.
 */
final class RenderBackend {

    private static final Logger LOG = Logger.getLogger(RenderBackend.class);

    private final String base;
    private final String index;
    private final String host;
    private final String contentUrl;
    private final Optional<String> authorization;
    private final long maxBodyBytes;
    private final WebClient client;
    private final RenderConfig config;
    private final TypedGuard<Uni<RenderedPage>> guard;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Timer latency;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;

    RenderBackend(
            int index, String base, WebClient client, RenderConfig config, long maxBodyBytes, MeterRegistry registry) {
        this.base = base;
        this.index = Integer.toString(index);
        this.host = hostOf(base, index);
        this.contentUrl = contentUrl(base, index);
        this.authorization = basicAuthorization(base, index);
        this.maxBodyBytes = maxBodyBytes;
        this.client = client;
        this.config = config;
        this.registry = registry;
        this.guard = TypedGuard.create(new TypeLiteral<Uni<RenderedPage>>() {})
                .withDescription(label())
                .withCircuitBreaker()
                .failureRatio(config.breaker().failureRatio())
                .requestVolumeThreshold(config.breaker().requestVolumeThreshold())
                .delay(config.breaker().delay().toMillis(), ChronoUnit.MILLIS)
                .skipOn(List.of(RenderFailure.Rejected.class, FetchFailure.class))
                .onStateChange(this::stateChanged)
                .done()
                .withTimeout()
                .duration(config.timeout().toMillis(), ChronoUnit.MILLIS)
                .done()
                .build();
        Gauge.builder("trawl.render.breaker.open", this, b -> b.state == CircuitBreakerState.OPEN ? 1 : 0)
                .tags(tags())
                .description("1 while the backend's circuit breaker is open")
                .register(registry);
        Gauge.builder("trawl.render.outstanding", outstanding, AtomicInteger::get)
                .tags(tags())
                .description("Render requests in flight to the backend")
                .register(registry);
        this.latency = Timer.builder("trawl.render.duration")
                .tags(tags())
                .description("Time from sending a render to its answer or failure, retries of the pool excluded")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(config.timeout())
                .register(registry);
    }

    /** {@code {base}/content}, keeping a query such as Browserless's {@code ?token=} at the end. */
    static String contentUrl(String base) {
        return contentUrl(base, 0);
    }

    private static String contentUrl(String base, int index) {
        URI uri = parse(base, index);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        try {
            // user-info goes in an Authorization header, never in the request line
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path + "/content", uri.getQuery(), null)
                    .toString();
        } catch (URISyntaxException e) {
            throw notABackend(index, e);
        }
    }

    /** {@code Basic …} for a base URL's user-info ({@code http://user:password@host}), if it has one. */
    static Optional<String> basicAuthorization(String base, int index) {
        return Optional.ofNullable(parse(base, index).getUserInfo())
                .map(userInfo ->
                        "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code host[:port]} of a base URL: what may be shown of it, with no user-info, path or query. */
    static String hostOf(String base, int index) {
        URI uri = parse(base, index);
        if (uri.getHost() == null) {
            throw notABackend(index, null);
        }
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private static URI parse(String base, int index) {
        try {
            return new URI(base.trim());
        } catch (URISyntaxException e) {
            throw notABackend(index, e);
        }
    }

    // the URL itself is not quoted: it may hold a token
    private static IllegalArgumentException notABackend(int index, Exception cause) {
        return new IllegalArgumentException(
                "trawl.render.backends entry " + index + " is not an absolute URL with a host", cause);
    }

    private List<Tag> tags() {
        return List.of(Tag.of("backend", index), Tag.of("host", host));
    }

    /** How the backend is named in our logs: never its URL, which may hold a token. */
    String label() {
        return "render backend " + index + " (" + host + ")";
    }

    /** How it is named in failures, which reach a client's job error: not even its host, which is ours. */
    private String publicName() {
        return "render backend " + index;
    }

    /** The value of its {@code backend} metric tag: its position in {@code trawl.render.backends}. */
    String tag() {
        return index;
    }

    /** Sends one render through the breaker; the caller has already counted it in {@link #reserve()}. */
    Uni<RenderedPage> render(String url, Map<String, String> headers) {
        long started = System.nanoTime();
        return Uni.createFrom()
                .deferred(() -> guard.get(() -> send(url, headers)))
                .onItemOrFailure()
                .invoke((page, failure) -> {
                    outstanding.decrementAndGet();
                    latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    count(outcomeOf(failure));
                })
                .onFailure(failure -> !(failure instanceof RenderFailure) && !(failure instanceof FetchFailure))
                .transform(this::describe);
    }

    /**
     * A failure in our own words: the client's messages quote the request URI, token and all
     * (Vert.x's timeout does), and what becomes of this message reaches the job's error.
     */
    private RenderFailure describe(Throwable failure) {
        String what = switch (outcomeOf(failure)) {
            case "prevented" -> "is behind its open circuit breaker";
            case "timeout" -> "did not answer within " + config.timeout();
            default -> "could not be reached (" + failure.getClass().getSimpleName() + ")";
        };
        return new RenderFailure.Unreachable(publicName() + " " + what);
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
        CappedBody html = CappedBody.renderedPage(maxBodyBytes, url);
        HttpRequest<Buffer> request =
                client.postAbs(contentUrl).timeout(config.timeout().toMillis()).putHeader("Accept", "text/html");
        authorization.ifPresent(value -> request.putHeader("Authorization", value));
        return request.as(BodyCodec.<Void>newInstance(io.vertx.ext.web.codec.BodyCodec.pipe(html, false)))
                .sendJsonObject(body)
                .map(response -> page(url, response, html));
    }

    private RenderedPage page(String url, HttpResponse<Void> response, CappedBody html) {
        int status = response.statusCode();
        if (status == 200) {
            return new RenderedPage(url, new String(html.bytes(), StandardCharsets.UTF_8), index);
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw new RenderFailure.Unavailable(publicName(), status);
        }
        throw new RenderFailure.Rejected(publicName(), status);
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
        outcomes.computeIfAbsent(
                        outcome,
                        o -> Counter.builder("trawl.render.requests")
                                .tags(tags())
                                .tag("outcome", o)
                                .description(
                                        "Render requests by backend and outcome; prevented ones never left the pod")
                                .register(registry))
                .increment();
    }

    private void stateChanged(CircuitBreakerState next) {
        state = next;
        if (next == CircuitBreakerState.OPEN) {
            LOG.warnf(
                    "%s is failing; its circuit breaker is open for %s",
                    label(), config.breaker().delay());
        } else {
            LOG.infof("%s: circuit breaker %s", label(), next);
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
