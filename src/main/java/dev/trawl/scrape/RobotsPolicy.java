package dev.trawl.scrape;

import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRules.RobotRulesMode;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Whether robots.txt lets our robot fetch a URL (RFC 9309, with the Crawl-delay extension), read
 * with crawler-commons. Each origin's robots.txt is fetched once through {@link PageFetcher} (so
 * the address guard applies), its first 500 KiB parsed, and only the rules that apply to our robot
 * cached in Redis for every worker ({@link StoredRobotsRules}; at most
 * {@code trawl.robots.max-entry-bytes}, else the origin's pages fail as {@code robots-too-large});
 * rules read back are kept in a small in-process map keyed by origin and content hash, and the
 * rules last read for an origin are used without asking Redis for {@code trawl.robots.local-ttl}.
 */
@ApplicationScoped
public class RobotsPolicy {

    private static final Logger LOG = Logger.getLogger(RobotsPolicy.class);
    /** RFC 9309 §2.5: crawlers must parse at least 500 KiB; beyond that a file is cut, not refused. */
    static final int MAX_ROBOTS_BYTES = 500 * 1024;
    /** Parsing below this takes microseconds; above it, it moves off the event loop. */
    private static final int PARSE_ON_WORKER_BYTES = 32 * 1024;

    private static final int MAX_PARSED_ORIGINS = 1000;

    private final Redis redis;
    private final PageFetcher fetcher;
    private final RedisKeys keys;
    private final RobotsConfig config;
    private final List<String> robotNames;
    private final Map<String, SimpleRobotRules> parsed =
            Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SimpleRobotRules> eldest) {
                    return size() > MAX_PARSED_ORIGINS;
                }
            });

    private record Recent(SimpleRobotRules rules, long until) {}

    /** The rules last read per origin, and until when (System.nanoTime) they are used without a look at Redis. */
    private final Map<String, Recent> recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
            return size() > MAX_PARSED_ORIGINS;
        }
    });
    /** One fetch per origin at a time in this process; other pods may fetch too, which is harmless. */
    private final Map<String, Uni<SimpleRobotRules>> loading = new ConcurrentHashMap<>();

    public RobotsPolicy(Redis redis, PageFetcher fetcher, RedisKeys keys, RobotsConfig config, FetchConfig fetch) {
        this.redis = redis;
        this.fetcher = fetcher;
        this.keys = keys;
        this.config = config;
        this.robotNames = List.of(robotName(fetch.userAgent()));
    }

    /**
     * The product token of our User-Agent, lower-cased as crawler-commons matches it:
     * {@code TrawlBot/0.1 (+…)} is {@code trawlbot}.
     */
    static String robotName(String userAgent) {
        int slash = userAgent.indexOf('/');
        return (slash < 0 ? userAgent : userAgent.substring(0, slash)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Fails with {@link FetchFailure} {@code invalid-url} if the URL is not absolute http(s), and
     * {@code robots-too-large} if the origin's rules for us exceed what a worker keeps.
     */
    public Uni<RobotsVerdict> check(String url) {
        String origin;
        try {
            origin = origin(new URI(url));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Uni.createFrom().failure(FetchFailure.permanent("invalid-url", "Invalid URL " + url));
        }
        return rules(origin).map(rules -> verdict(rules, url));
    }

    private static RobotsVerdict verdict(SimpleRobotRules rules, String url) {
        if (rules.isDeferVisits()) {
            return RobotsVerdict.UNREACHABLE;
        }
        long delay = rules.getCrawlDelay();
        return new RobotsVerdict(
                rules.isAllowed(url), delay > 0 ? Optional.of(Duration.ofMillis(delay)) : Optional.empty());
    }

    /**
     * The sitemaps the robots.txt of the URL's origin names in {@code Sitemap:} lines (read and cached
     * as for {@link #check}); none if it names none, cannot be read or is not kept.
     */
    public Uni<List<String>> sitemaps(String url) {
        String origin;
        try {
            origin = origin(new URI(url));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Uni.createFrom().item(List.of());
        }
        return rules(origin)
                .map(rules -> List.copyOf(rules.getSitemaps()))
                .onFailure()
                .recoverWithItem(List.of());
    }

    /** {@code scheme://host[:port]}, lower-case, without a default port: the scope of one robots.txt. */
    public static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("Not an absolute http(s) URL: " + uri);
        }
        int port = uri.getPort();
        boolean defaultPort =
                port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private Uni<SimpleRobotRules> rules(String origin) {
        Recent known = recent.get(origin);
        if (known != null && System.nanoTime() - known.until() < 0) {
            return Uni.createFrom().item(known.rules());
        }
        long localTtl = config.localTtl().toNanos();
        return lookUp(origin).invoke(rules -> {
            if (localTtl > 0) {
                recent.put(origin, new Recent(rules, System.nanoTime() + localTtl));
            }
        });
    }

    private Uni<SimpleRobotRules> lookUp(String origin) {
        return redis.send(Request.cmd(Command.GETRANGE)
                        .arg(keys.robots(origin))
                        .arg(0)
                        .arg(RobotsEntry.HEADER_BYTES - 1))
                .chain(header -> RobotsEntry.decode(bytes(header))
                        .map(entry -> {
                            if (entry.kind() != RobotsEntry.Kind.RULES) {
                                return fromMarker(origin, entry);
                            }
                            SimpleRobotRules known = parsed.get(parsedKey(origin, entry.detail()));
                            return known != null
                                    ? Uni.createFrom().item(known)
                                    : read(origin).onItem().ifNull().switchTo(() -> load(origin)); // expired meanwhile
                        })
                        .orElseGet(() -> load(origin)));
    }

    /** The whole cached entry, parsed if this process has not parsed that version yet; null if there is none. */
    private Uni<SimpleRobotRules> read(String origin) {
        return redis.send(Request.cmd(Command.GET).arg(keys.robots(origin)))
                .chain(value -> RobotsEntry.decode(bytes(value))
                        .map(entry -> fromEntry(origin, entry))
                        .orElseGet(() -> Uni.createFrom().nullItem()));
    }

    /**
     * Fetches robots.txt unless another check in this process already is. The cache is read again
     * first: a check whose miss was answered just before another check's fetch stored the file
     * must not fetch it a second time.
     */
    private Uni<SimpleRobotRules> load(String origin) {
        return Uni.createFrom()
                .deferred(() -> loading.computeIfAbsent(
                        origin,
                        o -> read(o).onItem()
                                .ifNull()
                                .switchTo(() -> fetchAndStore(o))
                                .onTermination()
                                .invoke(() -> loading.remove(o))
                                .memoize()
                                .indefinitely()));
    }

    private Uni<SimpleRobotRules> fetchAndStore(String origin) {
        return fetcher.fetch(origin + "/robots.txt")
                .chain(page -> parse(origin, truncate(page.body())))
                .map(this::toEntry)
                .onFailure()
                .recoverWithItem(failure -> whenUnfetched(origin, failure))
                .chain(entry -> store(origin, entry).chain(() -> fromEntry(origin, entry)));
    }

    /** What is cached of freshly parsed rules: the rules for us, unless they are larger than a worker keeps. */
    private RobotsEntry toEntry(SimpleRobotRules rules) {
        byte[] ours = StoredRobotsRules.encode(rules);
        return ours.length > config.maxEntryBytes() ? RobotsEntry.tooLarge() : RobotsEntry.rules(ours);
    }

    /** The rules of an entry; null if it holds rules this version cannot read (then it is fetched again). */
    private Uni<SimpleRobotRules> fromEntry(String origin, RobotsEntry entry) {
        if (entry.kind() != RobotsEntry.Kind.RULES) {
            return fromMarker(origin, entry);
        }
        SimpleRobotRules known = parsed.get(parsedKey(origin, entry.detail()));
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        Uni<SimpleRobotRules> decoding = Uni.createFrom()
                .item(() -> StoredRobotsRules.decode(entry.body())
                        .map(rules -> {
                            parsed.put(parsedKey(origin, entry.detail()), rules);
                            return rules;
                        })
                        .orElse(null));
        return entry.body().length > PARSE_ON_WORKER_BYTES
                ? decoding.runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                : decoding;
    }

    private Uni<SimpleRobotRules> fromMarker(String origin, RobotsEntry entry) {
        if (entry.kind() == RobotsEntry.Kind.TOO_LARGE) {
            return Uni.createFrom()
                    .failure(FetchFailure.permanent(
                            "robots-too-large",
                            "robots.txt of " + origin
                                    + " has more rules for this robot than the " + config.maxEntryBytes()
                                    + " bytes a worker keeps; its pages are not fetched"));
        }
        return Uni.createFrom().item(markerRules(entry));
    }

    /**
     * RFC 9309 §2.3.1: a robots.txt that is unavailable (4xx) allows everything; one that is
     * unreachable (5xx, network trouble) disallows everything until we can read it. 429 counts as
     * unreachable: the site is asking us to slow down, not saying it has no rules. A redirect chain
     * that never ends (§2.3.1.2) or that leads to an address we may not fetch yields no file,
     * which is the same as none, and the site could have answered 404 anyway.
     */
    private static RobotsEntry whenUnfetched(String origin, Throwable failure) {
        String code = failure instanceof FetchFailure fetchFailure ? fetchFailure.code() : "fetch-error";
        boolean unavailable = code.startsWith("http-4") && !code.equals("http-429")
                || code.equals("too-many-redirects")
                || code.equals("redirect-loop")
                || code.equals("blocked-address");
        LOG.debugf(
                "robots.txt of %s not fetched (%s): %s",
                origin, code, unavailable ? "allowing all" : "disallowing all for now");
        return unavailable ? RobotsEntry.none() : RobotsEntry.error(code);
    }

    private Uni<Void> store(String origin, RobotsEntry entry) {
        Duration ttl = entry.kind() == RobotsEntry.Kind.ERROR ? config.errorTtl() : config.cacheTtl();
        return redis.send(Request.cmd(Command.SET)
                        .arg(keys.robots(origin))
                        .arg(entry.encode())
                        .arg("PX")
                        .arg(Math.max(1, ttl.toMillis())))
                .replaceWithVoid();
    }

    private Uni<SimpleRobotRules> parse(String origin, byte[] robotsTxt) {
        Uni<SimpleRobotRules> parsing = Uni.createFrom()
                .item(() -> new SimpleRobotRulesParser()
                        .parseContent(origin + "/robots.txt", robotsTxt, "text/plain", robotNames));
        return robotsTxt.length > PARSE_ON_WORKER_BYTES
                ? parsing.runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                : parsing;
    }

    private static SimpleRobotRules markerRules(RobotsEntry entry) {
        if (entry.kind() == RobotsEntry.Kind.NONE) {
            return new SimpleRobotRules(RobotRulesMode.ALLOW_ALL);
        }
        SimpleRobotRules unreachable = new SimpleRobotRules(RobotRulesMode.ALLOW_NONE);
        unreachable.setDeferVisits(true);
        return unreachable;
    }

    private static String parsedKey(String origin, String sha) {
        return origin + " " + sha;
    }

    private static byte[] truncate(byte[] body) {
        return body.length > MAX_ROBOTS_BYTES ? Arrays.copyOf(body, MAX_ROBOTS_BYTES) : body;
    }

    private static byte[] bytes(Response response) {
        return response == null ? new byte[0] : response.toBytes();
    }
}
