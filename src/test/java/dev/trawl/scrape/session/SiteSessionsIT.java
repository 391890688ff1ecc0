package dev.trawl.scrape.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.site.SiteProfiles;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubLogin;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many workers, one login: sessions are shared through the real Redis, and the login endpoint is a
 * stub on 127.0.0.1 that counts what reaches it.
 */
@QuarkusTest
@TestProfile(SiteSessionsIT.SitesWithSessions.class)
class SiteSessionsIT {

    private static final List<String> PROFILES =
            List.of("fresh", "lasting", "renewing", "rekeyed", "rejected", "broken", "members", "guarded");
    /** The site behind the "members" profile: jobs against it run through the whole worker. */
    private static final StubSite MEMBERS = new StubSite("127.0.0.5");
    /** A host no profile covers, where a members' page redirects. */
    private static final StubSite ELSEWHERE = new StubSite("127.0.0.6");
    /** The site behind the "guarded" profile, whose login sets a Secure cookie; served over plain http. */
    private static final StubSite GUARDED = new StubSite("127.0.0.7");

    public static class SitesWithSessions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            for (String name : PROFILES) {
                config.put("trawl.sites." + name + ".host-pattern", name + ".sessions.test");
                config.put("trawl.sites." + name + ".session.body", "user=trawl&password=secret");
                config.put("trawl.sites." + name + ".session.ttl", "10M");
                config.put("trawl.sites." + name + ".session.renew-before", "2M");
            }
            config.put("trawl.sites.fresh.headers.X-Trawl-Site", "fresh");
            config.put("trawl.sites.members.host-pattern", "127.0.0.5");
            config.put("trawl.sites.members.headers.X-Members-Key", "members-k3y");
            config.put("trawl.sites.guarded.host-pattern", "127.0.0.7");
            config.put("trawl.sites.guarded.headers.X-Guarded-Key", "guarded-k3y");
            config.put("trawl.sessions.poll-interval", "20MS");
            config.put("trawl.sessions.wait-timeout", "20S");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LoginEndpoint.class));
        }
    }

    /** Starts the stub before the application, which needs its URL in the configuration. */
    public static class LoginEndpoint implements QuarkusTestResourceLifecycleManager {
        private StubLogin login;

        @Override
        public Map<String, String> start() {
            login = new StubLogin();
            return PROFILES.stream()
                    .collect(Collectors.toMap(
                            name -> "trawl.sites." + name + ".session.login-url", name -> login.url("/login/" + name)));
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(login, new TestInjector.MatchesType(StubLogin.class));
        }

        @Override
        public void stop() {
            login.close();
        }
    }

    StubLogin login;

    @Inject
    SiteSessions sessions;

    @Inject
    MeterRegistry registry;

    @Inject
    SessionSealer sealer;

    @BeforeEach
    void noSessionsYet() {
        PROFILES.forEach(profile -> RedisCli.deleteByPrefix(sessionKey(profile)));
    }

    /** Every cookie of the session as {@code name=value; …}, whatever its scope. */
    private static String cookies(SiteSession session) {
        return session.cookies().stream().map(c -> c.name() + "=" + c.value()).collect(Collectors.joining("; "));
    }

    private static String sessionKey(String profile) {
        return TestServices.KEY_PREFIX + "session:" + profile;
    }

    private List<CompletableFuture<SiteSession>> concurrently(int callers, String profile) {
        return IntStream.range(0, callers)
                .mapToObj(i -> sessions.current(profile).subscribeAsCompletionStage())
                .toList();
    }

    private static void awaitAll(List<? extends CompletableFuture<?>> calls) {
        await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
    }

    @AfterAll
    static void stopMembersSite() {
        MEMBERS.close();
        ELSEWHERE.close();
        GUARDED.close();
    }

    @Test
    void twentyJobsOnASiteWithoutASessionLogInOnceAndAllSendTheCookie() {
        List<String> ids = IntStream.range(0, 20)
                .mapToObj(i -> {
                    MEMBERS.html("/member/" + i, "<title>member " + i + "</title>");
                    return Jobs.submit(Map.of("url", MEMBERS.url("/member/" + i), "respectRobots", false));
                })
                .toList();
        ids.forEach(id -> Jobs.awaitStatus(id, "succeeded"));
        assertThat(login.logins("/login/members")).isEqualTo(1);
        String cookie = sessions.current("members")
                .await()
                .atMost(Duration.ofSeconds(10))
                .cookieHeaderFor(URI.create(MEMBERS.url("/")))
                .orElseThrow();
        IntStream.range(0, 20)
                .forEach(i -> assertThat(MEMBERS.lastHeaders("/member/" + i)).containsEntry("cookie", cookie));
    }

    @Test
    void theSessionCookieAndProfileHeadersDoNotFollowARedirectToAnotherHost() {
        MEMBERS.redirect("/member/away", ELSEWHERE.url("/landing"));
        ELSEWHERE.html("/landing", "<title>elsewhere</title>");
        String id = Jobs.submit(
                Map.of("url", MEMBERS.url("/member/away"), "respectRobots", false, "headers", Map.of("X-Job", "mine")));
        Jobs.awaitStatus(id, "succeeded");

        assertThat(MEMBERS.lastHeaders("/member/away"))
                .containsKey("cookie")
                .containsEntry("x-members-key", "members-k3y")
                .containsEntry("x-job", "mine");
        assertThat(ELSEWHERE.hits("/landing")).isEqualTo(1);
        assertThat(ELSEWHERE.lastHeaders("/landing"))
                .doesNotContainKeys("cookie", "x-members-key")
                .containsEntry("x-job", "mine");
    }

    @Test
    void aSecureSessionCookieIsNeverSentOverPlainHttp() {
        login.cookieAttributes("/login/guarded", "; Secure");
        GUARDED.html("/inside", "<title>inside</title>");
        Jobs.awaitStatus(Jobs.submit(Map.of("url", GUARDED.url("/inside"), "respectRobots", false)), "succeeded");

        assertThat(login.logins("/login/guarded")).isEqualTo(1);
        assertThat(GUARDED.lastHeaders("/inside"))
                .doesNotContainKey("cookie")
                .containsEntry("x-guarded-key", "guarded-k3y");
    }

    private double renewals(String profile) {
        return registry.get("trawl.sessions.renewals")
                .tag("profile", profile)
                .counter()
                .count();
    }

    @Test
    void twentyCallersWithNoSessionCauseExactlyOneLoginAndAllGetItsCookie() {
        CountDownLatch slowLogin = login.hold("/login/fresh");
        List<CompletableFuture<SiteSession>> calls = concurrently(20, "fresh");

        await().atMost(Duration.ofSeconds(10)).until(() -> login.logins("/login/fresh") == 1);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> login.logins("/login/fresh") == 1 && calls.stream().noneMatch(CompletableFuture::isDone));
        slowLogin.countDown();
        awaitAll(calls);

        assertThat(calls.stream()
                        .map(CompletableFuture::join)
                        .map(SiteSessionsIT::cookies)
                        .distinct())
                .containsExactly("sid=fresh-1");
        assertThat(calls.stream()
                        .map(CompletableFuture::join)
                        .map(SiteSession::version)
                        .distinct())
                .hasSize(1);
        assertThat(login.logins("/login/fresh")).isEqualTo(1);
        assertThat(renewals("fresh")).isEqualTo(1.0);

        StubLogin.Request request = login.lastRequest("/login/fresh");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.body()).isEqualTo("user=trawl&password=secret");
        assertThat(request.headers()).containsEntry("x-trawl-site", "fresh");
    }

    @Test
    void theSessionKeyLivesExactlyAsLongAsTheSession() {
        SiteSession session = sessions.current("lasting").await().atMost(Duration.ofSeconds(10));
        try (RedisCli redis = new RedisCli()) {
            long pttl = (Long) redis.call("PTTL", sessionKey("lasting"));
            assertThat(pttl)
                    .isBetween(
                            Duration.ofMinutes(10).minusSeconds(10).toMillis(),
                            Duration.ofMinutes(10).toMillis());
            assertThat(redis.call("HGET", sessionKey("lasting"), "version"))
                    .isEqualTo(Long.toString(session.version()));
        }
    }

    @Test
    void theCookiesAreKeptInRedisSealedNeverInClear() {
        SiteSession session = sessions.current("lasting").await().atMost(Duration.ofSeconds(10));
        try (RedisCli redis = new RedisCli()) {
            String stored = (String) redis.call("HGET", sessionKey("lasting"), "cookie");
            assertThat(session.cookies())
                    .isNotEmpty()
                    .allSatisfy(cookie -> assertThat(stored).doesNotContain(cookie.value()));
            assertThat(stored).startsWith(SessionSealer.PREFIX);
            assertThat(sealer.open("lasting", stored))
                    .isEqualTo(new SessionSealer.Opened.Clear(SiteSession.encode(session.cookies())));
        }
    }

    @Test
    void aSessionSealedUnderAnEarlierKeyIsReplacedByOneNewLogin() {
        try (RedisCli redis = new RedisCli()) {
            String underOldKey = new SessionSealer(
                            KeyedSessionsConfig.filledWith((byte) 7), new SiteProfiles(List.of()))
                    .seal("rekeyed", "[]");
            redis.call("HSET", sessionKey("rekeyed"), "cookie", underOldKey, "version", "7");
            redis.call("PEXPIRE", sessionKey("rekeyed"), "600000");
        }

        SiteSession renewed = sessions.current("rekeyed").await().atMost(Duration.ofSeconds(10));

        assertThat(renewed.version()).isNotEqualTo(7L);
        assertThat(cookies(renewed)).isEqualTo("sid=rekeyed-1");
        assertThat(login.logins("/login/rekeyed")).isEqualTo(1);
    }

    @Test
    void insideTheRenewalWindowOneWorkerRenewsWhileEverybodyKeepsTheCurrentSession() {
        SiteSession first = sessions.current("renewing").await().atMost(Duration.ofSeconds(10));
        assertThat(cookies(first)).isEqualTo("sid=renewing-1");
        double renewalsBefore = renewals("renewing");
        try (RedisCli redis = new RedisCli()) {
            redis.call("PEXPIRE", sessionKey("renewing"), "60000"); // one minute left, renew-before is two
        }

        CountDownLatch slowLogin = login.hold("/login/renewing");
        List<CompletableFuture<SiteSession>> calls = concurrently(20, "renewing");

        // all twenty are answered while the renewal is still stuck in the login
        awaitAll(calls);
        assertThat(calls.stream().map(CompletableFuture::join)).allMatch(s -> s.equals(first));
        await().atMost(Duration.ofSeconds(10)).until(() -> login.logins("/login/renewing") == 2);
        List<CompletableFuture<SiteSession>> more = concurrently(20, "renewing");
        awaitAll(more);
        assertThat(more.stream().map(CompletableFuture::join)).allMatch(s -> s.equals(first));
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> login.logins("/login/renewing") == 2);

        slowLogin.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cookies(sessions.current("renewing").await().atMost(Duration.ofSeconds(5)))
                        .equals("sid=renewing-2"));
        SiteSession renewed = sessions.current("renewing").await().atMost(Duration.ofSeconds(5));
        assertThat(renewed.version()).isGreaterThan(first.version());
        assertThat(login.logins("/login/renewing")).isEqualTo(2);
        assertThat(renewals("renewing")).isEqualTo(renewalsBefore + 1);
        try (RedisCli redis = new RedisCli()) {
            assertThat((Long) redis.call("PTTL", sessionKey("renewing")))
                    .isGreaterThan(Duration.ofMinutes(9).toMillis());
        }
    }

    @Test
    void tenWorkersRejectingTheSameSessionCauseOneNewLogin() {
        SiteSession rejected = sessions.current("rejected").await().atMost(Duration.ofSeconds(10));
        CountDownLatch slowLogin = login.hold("/login/rejected");

        List<CompletableFuture<SiteSession>> calls = IntStream.range(0, 10)
                .mapToObj(i -> sessions.invalidate("rejected", rejected.version())
                        .chain(() -> sessions.current("rejected"))
                        .subscribeAsCompletionStage())
                .toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> login.logins("/login/rejected") == 2);
        slowLogin.countDown();
        awaitAll(calls);

        assertThat(calls.stream()
                        .map(CompletableFuture::join)
                        .map(SiteSessionsIT::cookies)
                        .distinct())
                .containsExactly("sid=rejected-2");
        assertThat(login.logins("/login/rejected")).isEqualTo(2);

        // a late report about the old session leaves the new one alone
        assertThat(sessions.invalidate("rejected", rejected.version()).await().atMost(Duration.ofSeconds(5)))
                .isFalse();
        assertThat(cookies(sessions.current("rejected").await().atMost(Duration.ofSeconds(5))))
                .isEqualTo("sid=rejected-2");
    }

    @Test
    void aFailedLoginIsTriedOnceAndEveryWaitingCallerFailsWithATransientError() {
        login.breakLogin("/login/broken");
        CountDownLatch slowLogin = login.hold("/login/broken");
        List<CompletableFuture<SiteSession>> calls = concurrently(20, "broken");
        await().atMost(Duration.ofSeconds(10)).until(() -> login.logins("/login/broken") == 1);
        slowLogin.countDown();
        awaitAll(calls);

        assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(calls.stream()
                        .map(call -> call.handle((ok, failure) -> failure).join()))
                .allSatisfy(failure -> {
                    assertThat(failure).isInstanceOf(FetchFailure.class);
                    assertThat(((FetchFailure) failure).isTransient()).isTrue();
                });
        assertThat(login.logins("/login/broken")).isEqualTo(1);
    }
}
