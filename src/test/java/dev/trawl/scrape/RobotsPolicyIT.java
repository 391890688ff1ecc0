package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.redis.RedisKeys;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** robots.txt against stub sites on 127.0.0.1 and the real Redis; our robot is {@code TrawlBot/0.1 (…)}. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RobotsPolicyIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WILDCARD_ONLY = """
            User-agent: *
            Disallow: /private
            Crawl-delay: 2
            """;
    private static final String WITH_OUR_GROUP = WILDCARD_ONLY + """

            User-agent: TrawlBot
            Disallow: /drafts
            Crawl-delay: 1
            """;

    @Inject
    RobotsPolicy robots;

    @Inject
    PageFetcher fetcher;

    @Inject
    RedisKeys keys;

    @Inject
    RobotsConfig robotsConfig;

    @Inject
    FetchConfig fetchConfig;

    @Inject
    Vertx vertx;

    private final List<StubSite> sites = new ArrayList<>();

    @AfterEach
    void stopSites() {
        sites.forEach(StubSite::close);
    }

    /** A fresh site; its origin's cache entry is dropped in case an earlier site had the same port. */
    private StubSite site() {
        StubSite site = new StubSite();
        sites.add(site);
        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", cacheKey(site));
        }
        return site;
    }

    private static StubSite robotsTxt(StubSite site, String body) {
        return site.reply(
                "/robots.txt",
                new StubSite.Reply(200, "text/plain", body.getBytes(StandardCharsets.UTF_8), Map.of(), null));
    }

    private String cacheKey(StubSite site) {
        return keys.robots(RobotsPolicy.origin(URI.create(site.url("/"))));
    }

    private RobotsVerdict check(RobotsPolicy policy, String url) {
        return policy.check(url).await().atMost(WAIT);
    }

    private static long ttl(String key) {
        try (RedisCli redis = new RedisCli()) {
            return (Long) redis.call("TTL", key);
        }
    }

    @Test
    void theWildcardGroupAppliesWhenNoGroupNamesUs() {
        StubSite site = robotsTxt(site(), WILDCARD_ONLY);

        assertThat(check(robots, site.url("/private/report.html")).allowed()).isFalse();
        RobotsVerdict open = check(robots, site.url("/public/index.html"));
        assertThat(open.allowed()).isTrue();
        assertThat(open.crawlDelay()).contains(Duration.ofSeconds(2));
        assertThat(open.unreachable()).isFalse();
    }

    @Test
    void theGroupNamingOurProductTokenReplacesTheWildcardGroup() {
        StubSite site = robotsTxt(site(), WITH_OUR_GROUP);

        assertThat(check(robots, site.url("/private/report.html")).allowed())
                .as("only the wildcard group disallows it")
                .isTrue();
        assertThat(check(robots, site.url("/drafts/next.html")).allowed()).isFalse();
        RobotsVerdict open = check(robots, site.url("/"));
        assertThat(open.allowed()).isTrue();
        assertThat(open.crawlDelay()).contains(Duration.ofSeconds(1));
    }

    @Test
    void robotsTxtIsFetchedOncePerOriginAndSharedThroughRedis() {
        StubSite site = robotsTxt(site(), WITH_OUR_GROUP);

        check(robots, site.url("/a"));
        check(robots, site.url("/drafts/b"));
        assertThat(site.hits("/robots.txt")).isEqualTo(1);
        assertThat(ttl(cacheKey(site))).isBetween(1L, 86_400L);

        Redis otherClient = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        try {
            RobotsPolicy otherPod = new RobotsPolicy(otherClient, fetcher, keys, robotsConfig, fetchConfig);
            assertThat(check(otherPod, site.url("/drafts/b")).allowed()).isFalse();
            assertThat(check(otherPod, site.url("/a")).crawlDelay()).contains(Duration.ofSeconds(1));
        } finally {
            otherClient.close();
        }
        assertThat(site.hits("/robots.txt"))
                .as("the second pod read Redis, not the site")
                .isEqualTo(1);
    }

    @Test
    void checksThatArriveTogetherFetchRobotsTxtOnce() {
        StubSite site = robotsTxt(site(), WILDCARD_ONLY);

        List<RobotsVerdict> verdicts = Uni.join()
                .all(IntStream.range(0, 20)
                        .mapToObj(i -> robots.check(site.url("/page/" + i)))
                        .toList())
                .andFailFast()
                .await()
                .atMost(WAIT);

        assertThat(verdicts).allMatch(RobotsVerdict::allowed);
        assertThat(site.hits("/robots.txt")).isEqualTo(1);
    }

    @Test
    void aMissingRobotsTxtAllowsEverythingAndIsRemembered() {
        StubSite site = site(); // answers 404 for /robots.txt

        RobotsVerdict verdict = check(robots, site.url("/private/anything"));
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.crawlDelay()).isEmpty();
        assertThat(check(robots, site.url("/other")).allowed()).isTrue();

        assertThat(site.hits("/robots.txt")).isEqualTo(1);
        assertThat(ttl(cacheKey(site))).isBetween(Duration.ofMinutes(5).toSeconds() + 1, 86_400L);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429})
    void anUnreachableRobotsTxtDisallowsEverythingForAShortWhile(int status) {
        StubSite site = site().reply(
                        "/robots.txt",
                        new StubSite.Reply(
                                status, "text/plain", "try later".getBytes(StandardCharsets.UTF_8), Map.of(), null));

        RobotsVerdict verdict = check(robots, site.url("/index.html"));
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.unreachable()).as("temporary, not a rule").isTrue();
        assertThat(check(robots, site.url("/other")).allowed()).isFalse();

        assertThat(site.hits("/robots.txt")).isEqualTo(1);
        assertThat(ttl(cacheKey(site))).isBetween(1L, Duration.ofMinutes(5).toSeconds());
    }

    @Test
    void onlyTheFirst500KiBOfRobotsTxtAreRead() {
        String padding = "# a comment line that only takes up room in a very long robots.txt file\n";
        String body = "User-agent: *\nDisallow: /early\n"
                + padding.repeat(RobotsPolicy.MAX_ROBOTS_BYTES / padding.length() + 1)
                + "Disallow: /late\n";
        StubSite site = robotsTxt(site(), body);

        assertThat(check(robots, site.url("/early/x")).allowed()).isFalse();
        assertThat(check(robots, site.url("/late/x")).allowed()).isTrue();
        try (RedisCli redis = new RedisCli()) {
            assertThat((Long) redis.call("STRLEN", cacheKey(site))).isLessThan(RobotsPolicy.MAX_ROBOTS_BYTES + 128L);
        }
    }

    @Test
    void onlyTheRulesForOurRobotAreCachedNotTheWholeFile() {
        StringBuilder body = new StringBuilder("# a very long robots.txt, mostly for other robots\n");
        for (int i = 0; body.length() < 300 * 1024; i++) {
            body.append("\nUser-agent: OtherBot")
                    .append(i)
                    .append("\nDisallow: /other/")
                    .append(i)
                    .append("\nSitemap: https://example.org/sitemap-")
                    .append(i)
                    .append(".xml\n");
        }
        StubSite site = robotsTxt(site(), body + "\n" + WITH_OUR_GROUP);

        assertThat(check(robots, site.url("/drafts/x")).allowed()).isFalse();
        try (RedisCli redis = new RedisCli()) {
            // our group, and the first Sitemap: URLs (each line here under 64 bytes), never the whole file
            assertThat((Long) redis.call("STRLEN", cacheKey(site)))
                    .isLessThan(256L + StoredRobotsRules.MAX_SITEMAPS * 64L);
        }
        Redis otherClient = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        try {
            RobotsPolicy otherPod = new RobotsPolicy(otherClient, fetcher, keys, robotsConfig, fetchConfig);
            assertThat(check(otherPod, site.url("/drafts/b")).allowed()).isFalse();
            assertThat(check(otherPod, site.url("/private/b")).allowed())
                    .as("only the wildcard group disallows it")
                    .isTrue();
            assertThat(check(otherPod, site.url("/a")).crawlDelay()).contains(Duration.ofSeconds(1));
            assertThat(otherPod.sitemaps(site.url("/a")).await().atMost(WAIT))
                    .hasSize(StoredRobotsRules.MAX_SITEMAPS)
                    .startsWith("https://example.org/sitemap-0.xml");
        } finally {
            otherClient.close();
        }
        assertThat(site.hits("/robots.txt")).isEqualTo(1);
    }

    @Test
    void anOriginWhoseRulesForUsExceedTheEntryBoundFailsItsPagesAndCachesOnlyAMarker() {
        StringBuilder body = new StringBuilder("User-agent: *\n");
        for (int i = 0; body.length() < RobotsPolicy.MAX_ROBOTS_BYTES - 64; i++) {
            body.append("Disallow: /p").append(i).append('\n');
        }
        StubSite site = robotsTxt(site(), body.toString());

        assertThatThrownBy(() -> check(robots, site.url("/anything")))
                .isInstanceOfSatisfying(FetchFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo("robots-too-large");
                    assertThat(failure.isTransient()).isFalse();
                });
        try (RedisCli redis = new RedisCli()) {
            assertThat((Long) redis.call("STRLEN", cacheKey(site))).isLessThan(128L);
        }
        assertThatThrownBy(() -> check(robots, site.url("/other"))).isInstanceOf(FetchFailure.class);
        assertThat(site.hits("/robots.txt"))
                .as("the marker is cached like rules")
                .isEqualTo(1);
    }

    @Test
    void theRobotsTxtOfAnotherPortIsAnotherOrigin() {
        StubSite first = robotsTxt(site(), WILDCARD_ONLY);
        StubSite second = site(); // no robots.txt

        assertThat(check(robots, first.url("/private/x")).allowed()).isFalse();
        assertThat(check(robots, second.url("/private/x")).allowed()).isTrue();
        assertThat(first.hits("/robots.txt")).isEqualTo(1);
        assertThat(second.hits("/robots.txt")).isEqualTo(1);
    }
}
