package dev.trawl.scrape.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trawl.scrape.FetchFailure;
import dev.trawl.support.StubRenderBackend;
import dev.trawl.support.StubRenderBackend.Mode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two render services on 127.0.0.1 behind the pool; they die, come back, refuse and hang. The
 * first is configured with a Browserless-style {@code ?token=}, which must reach it and nothing else.
 */
@QuarkusTest
@TestProfile(RenderBackendsIT.TwoBackends.class)
class RenderBackendsIT {

    private static final Duration BREAKER_DELAY = Duration.ofSeconds(5);
    private static final String TOKEN = "alpha-s3cret-token";

    public static class TwoBackends implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.render.timeout", "2S",
                    "trawl.render.max-attempts", "3",
                    "trawl.render.initial-backoff", "50MS",
                    "trawl.render.max-backoff", "200MS",
                    "trawl.render.breaker.delay", BREAKER_DELAY.toSeconds() + "S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Backends.class));
        }
    }

    /** The two stub services; what the test holds of them. */
    public record Pool(StubRenderBackend alpha, StubRenderBackend beta) {
        List<StubRenderBackend> all() {
            return List.of(alpha, beta);
        }
    }

    /** Starts the stubs before the application, which reads their URLs from its configuration. */
    public static class Backends implements QuarkusTestResourceLifecycleManager {
        private Pool pool;

        @Override
        public Map<String, String> start() {
            pool = new Pool(new StubRenderBackend("alpha"), new StubRenderBackend("beta"));
            return Map.of(
                    "trawl.render.backends",
                    pool.alpha().url() + "/?token=" + TOKEN + "," + pool.beta().url());
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(pool, new TestInjector.MatchesType(Pool.class));
        }

        @Override
        public void stop() {
            pool.all().forEach(StubRenderBackend::close);
        }
    }

    Pool pool;

    @Inject
    RenderBackends backends;

    @Inject
    MeterRegistry registry;

    private RenderedPage render(String url) {
        return backends.render(url, Map.of()).await().atMost(Duration.ofSeconds(30));
    }

    /** The stub's entry in trawl.render.backends. */
    private String base(StubRenderBackend stub) {
        return stub == pool.alpha() ? stub.url() + "/?token=" + TOKEN : stub.url();
    }

    /** How metrics and rendered pages name the stub. */
    private String tag(StubRenderBackend stub) {
        return backends.tagOf(base(stub));
    }

    private CircuitBreakerState breaker(StubRenderBackend stub) {
        return backends.breakerState(base(stub));
    }

    private double requests(StubRenderBackend stub, String outcome) {
        Counter counter = registry.find("trawl.render.requests")
                .tags("backend", tag(stub), "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Renders {@code count} pages, {@code concurrency} at a time; failures are collected, not thrown. */
    private CompletableFuture<List<RenderedPage>> renderMany(
            int count, int concurrency, AtomicInteger done, List<Throwable> failures) {
        return Multi.createFrom()
                .range(0, count)
                .onItem()
                .transformToUni(i -> backends.render("http://site.test/page/" + i, Map.of())
                        .invoke(done::incrementAndGet)
                        .onFailure()
                        .invoke(failures::add)
                        .onFailure()
                        .recoverWithNull())
                .merge(concurrency)
                .collect()
                .asList()
                .subscribeAsCompletionStage();
    }

    @BeforeEach
    void bothBackendsServeAndAreTrustedAgain() {
        pool.all().forEach(stub -> {
            stub.mode(Mode.RENDER);
            stub.restart();
        });
        // an open breaker closes only after its delay and a successful trial request; until then
        // a render may find no backend at all
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(FetchFailure.class)
                .until(() -> {
                    render("http://site.test/warm-up");
                    return pool.all().stream().allMatch(stub -> breaker(stub) == CircuitBreakerState.CLOSED);
                });
    }

    @Test
    void theRequestIsBrowserlessShapedAndTheAnswerIsTheHtml() {
        RenderedPage page = backends.render(
                        "http://site.test/a?b=c", Map.of("Cookie", "sid=1", "Accept-Language", "en"))
                .await()
                .atMost(Duration.ofSeconds(10));
        StubRenderBackend used = pool.all().stream()
                .filter(s -> tag(s).equals(page.backend()))
                .findFirst()
                .orElseThrow();
        assertThat(page.url()).isEqualTo("http://site.test/a?b=c");
        assertThat(page.html()).contains("rendered http://site.test/a?b=c by " + used.name());
        assertThat(used.lastBody().get("url").asText()).isEqualTo("http://site.test/a?b=c");
        assertThat(used.lastBody().get("headers").get("Cookie").asText()).isEqualTo("sid=1");
        assertThat(used.lastBody().get("headers").get("Accept-Language").asText())
                .isEqualTo("en");
    }

    @Test
    void rendersAreSpreadAndSurviveABackendDyingAndComingBack() {
        // forty at once: each goes to the backend with fewer in flight
        List<RenderedPage> first = Multi.createFrom()
                .range(0, 40)
                .onItem()
                .transformToUniAndMerge(i -> backends.render("http://site.test/first/" + i, Map.of()))
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(30));
        Map<String, Long> share =
                first.stream().collect(Collectors.groupingBy(RenderedPage::backend, Collectors.counting()));
        assertThat(share.get(tag(pool.alpha()))).isGreaterThanOrEqualTo(10);
        assertThat(share.get(tag(pool.beta()))).isGreaterThanOrEqualTo(10);

        // alpha dies in the middle of a run
        AtomicInteger done = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<List<RenderedPage>> run = renderMany(150, 4, done, failures);
        await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= 20);
        pool.alpha().stop();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    render("http://site.test/while-dying");
                    return breaker(pool.alpha()) == CircuitBreakerState.OPEN;
                });

        // while its breaker is open, alpha is not even tried, and every render still succeeds
        long attemptsWhenOpened = backends.attempts(base(pool.alpha()));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    RenderedPage page = render("http://site.test/while-open");
                    return page.backend().equals(tag(pool.beta()))
                            && backends.attempts(base(pool.alpha())) == attemptsWhenOpened;
                });
        assertThat(run.join()).hasSize(150).doesNotContainNull();
        assertThat(failures).isEmpty();
        assertThat(registry.get("trawl.render.breaker.open")
                        .tag("backend", tag(pool.alpha()))
                        .gauge()
                        .value())
                .isEqualTo(1.0);

        // alpha comes back on the same port: after the breaker's delay a trial request closes it
        int alphaRequestsBefore = pool.alpha().requests();
        pool.alpha().restart();
        await().atMost(BREAKER_DELAY.plusSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    render("http://site.test/after");
                    return breaker(pool.alpha()) == CircuitBreakerState.CLOSED
                            && pool.alpha().requests() > alphaRequestsBefore;
                });
        List<RenderedPage> again = Multi.createFrom()
                .range(0, 20)
                .onItem()
                .transformToUniAndMerge(i -> backends.render("http://site.test/again/" + i, Map.of()))
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(30));
        assertThat(again).extracting(RenderedPage::backend).contains(tag(pool.alpha()), tag(pool.beta()));
        Gauge open = registry.get("trawl.render.breaker.open")
                .tag("backend", tag(pool.alpha()))
                .gauge();
        assertThat(open.value()).isZero();
    }

    @Test
    void aBackendAnswering503IsFailedOverToTheOther() {
        int betaBefore = pool.beta().requests();
        double unavailableBefore = requests(pool.beta(), "unavailable");
        pool.beta().mode(Mode.UNAVAILABLE);

        List<RenderedPage> pages = Multi.createFrom()
                .range(0, 10)
                .onItem()
                .transformToUniAndConcatenate(i -> backends.render("http://site.test/503/" + i, Map.of()))
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(30));

        assertThat(pages).hasSize(10).allMatch(page -> page.backend().equals(tag(pool.alpha())));
        assertThat(pool.beta().requests()).isGreaterThan(betaBefore);
        assertThat(requests(pool.beta(), "unavailable")).isGreaterThan(unavailableBefore);
    }

    @Test
    void aBackendThatHangsIsAbandonedAfterTheTimeout() {
        double timeoutsBefore = requests(pool.beta(), "timeout");
        pool.beta().mode(Mode.HANG);

        List<RenderedPage> pages = Multi.createFrom()
                .range(0, 4)
                .onItem()
                .transformToUniAndConcatenate(i -> backends.render("http://site.test/slow/" + i, Map.of()))
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(30));

        assertThat(pages).allMatch(page -> page.backend().equals(tag(pool.alpha())));
        assertThat(requests(pool.beta(), "timeout")).isGreaterThan(timeoutsBefore);
    }

    @Test
    void whenEveryBackendFailsEveryPassTheRenderFailsAsTransientRenderUnavailable() {
        pool.all().forEach(stub -> stub.mode(Mode.UNAVAILABLE));

        assertThatThrownBy(() -> render("http://site.test/nowhere"))
                .isInstanceOfSatisfying(FetchFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo("render-unavailable");
                    assertThat(failure.isTransient()).isTrue();
                });
    }

    @Test
    void aRequestTheBackendRefusesIsNotRetriedElsewhere() {
        Map<String, Integer> before =
                pool.all().stream().collect(Collectors.toMap(StubRenderBackend::name, StubRenderBackend::requests));
        // the stub refuses anything but an http(s) URL with 400
        assertThatThrownBy(() -> backends.render("ftp://site.test/file", Map.of())
                        .await()
                        .atMost(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(FetchFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo("render-rejected");
                    assertThat(failure.isTransient()).isFalse();
                });
        int sent = pool.all().stream()
                .mapToInt(stub -> stub.requests() - before.get(stub.name()))
                .sum();
        assertThat(sent).isEqualTo(1);
        assertThat(pool.all()).allMatch(stub -> breaker(stub) == CircuitBreakerState.CLOSED);
    }

    @Test
    void aJobThatAsksForRenderingIsFetchedThroughABackend() {
        // nothing listens on this address: only the render backend can produce the page
        String url = "http://127.0.0.1:9/needs-a-browser";
        String id = dev.trawl.support.Jobs.submit(
                Map.of("url", url, "render", true, "respectRobots", false, "formats", List.of("text")));
        dev.trawl.support.Jobs.awaitStatus(id, "succeeded");
        io.restassured.RestAssured.given()
                .when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].text", org.hamcrest.Matchers.startsWith("rendered " + url + " by "));
    }

    @Test
    void theTokenReachesTheBackendAndNoMetricLogLineOrJobError() {
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                logged.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            RenderedPage page = render("http://site.test/with-token");
            StubRenderBackend alpha = pool.alpha();
            if (!page.backend().equals(tag(alpha))) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> render("http://site.test/again").backend().equals(tag(alpha)));
            }
            assertThat(alpha.lastQuery()).isEqualTo("token=" + TOKEN);

            // alpha hangs past the timeout (Vert.x's own message quotes the request URI) and beta is down
            alpha.mode(Mode.HANG);
            pool.beta().mode(Mode.UNAVAILABLE);
            assertThatThrownBy(() -> render("http://site.test/leak"))
                    .isInstanceOfSatisfying(FetchFailure.class, failure -> {
                        assertThat(failure.code()).isEqualTo("render-unavailable");
                        // nor the backends' addresses: they are our infrastructure, and the message is the client's
                        assertThat(failure.getMessage()).doesNotContain(TOKEN).doesNotContain("127.0.0.1");
                        assertThat(failure.toError().toString()).doesNotContain(TOKEN);
                    });
        } finally {
            root.removeHandler(capture);
        }

        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getTags())
                        .allSatisfy(tag -> assertThat(tag.getValue()).doesNotContain(TOKEN)));
        assertThat(registry.find("trawl.render.requests").tag("backend", "0").counters())
                .isNotEmpty();
        assertThat(logged).noneMatch(line -> line.contains(TOKEN));
    }

    @Test
    void renderedHtmlLargerThanTheBodyLimitFailsThePageAsOversizeWithoutFailover() {
        Map<String, Integer> before =
                pool.all().stream().collect(Collectors.toMap(StubRenderBackend::name, StubRenderBackend::requests));
        pool.all().forEach(stub -> stub.mode(Mode.HUGE));

        assertThatThrownBy(() -> render("http://site.test/huge"))
                .isInstanceOfSatisfying(FetchFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo("oversize");
                    assertThat(failure.isTransient()).isFalse();
                    assertThat(failure.getMessage())
                            .contains("http://site.test/huge")
                            .doesNotContain(TOKEN);
                });
        int sent = pool.all().stream()
                .mapToInt(stub -> stub.requests() - before.get(stub.name()))
                .sum();
        assertThat(sent).isEqualTo(1);
        assertThat(pool.all()).allMatch(stub -> breaker(stub) == CircuitBreakerState.CLOSED);
    }
}
