package dev.trawl.worker;

import dev.trawl.job.JobSpec;
import dev.trawl.job.StoredPage;
import dev.trawl.scrape.ExtractedPage;
import dev.trawl.scrape.ExtractionRequest;
import dev.trawl.scrape.FetchClients;
import dev.trawl.scrape.FetchConfig;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.FetchedPage;
import dev.trawl.scrape.OutboundAddressGuard;
import dev.trawl.scrape.PageExtractor;
import dev.trawl.scrape.PageFetcher;
import dev.trawl.scrape.RetryAfter;
import dev.trawl.scrape.RobotsPolicy;
import dev.trawl.scrape.RobotsVerdict;
import dev.trawl.scrape.SiteHealth;
import dev.trawl.scrape.SiteLimits;
import dev.trawl.scrape.SitePermit;
import dev.trawl.scrape.SitePoliteness;
import dev.trawl.scrape.render.RenderBackends;
import dev.trawl.scrape.session.SiteCredentials;
import dev.trawl.scrape.session.SiteSession;
import dev.trawl.scrape.session.SiteSessions;
import dev.trawl.scrape.site.SiteProfile;
import dev.trawl.scrape.site.SiteProfiles;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One page of a job, the way a polite, well-known crawler fetches it: robots.txt first (a
 * disallowed page is skipped, not fetched), then a permit from the site's cluster-wide politeness
 * limits (its profile's, slowed to its Crawl-delay), the profile's headers and session cookie (only
 * for hosts the profile covers, see {@link SiteCredentials}), the fetch itself (directly or through
 * a render backend, whose target passes the same address guard), and the permit back — with the site's
 * Retry-After, if it sent one, so every worker slows down. A 401/403 with a session invalidates
 * that session (one renewal for the cluster) and the page is tried once more. Extraction runs on
 * a worker thread. A fetch that fails arrives as a {@link FetchFailure}.
 */
@ApplicationScoped
public class PageScraper {

    private final FetchClients clients;
    private final PageFetcher fetcher;
    private final PageExtractor extractor;
    private final RobotsPolicy robots;
    private final SitePoliteness politeness;
    private final SiteProfiles profiles;
    private final SiteSessions sessions;
    private final RenderBackends renderers;
    private final RetryAfter retryAfter;
    private final FetchConfig config;
    private final FetchMetrics metrics;
    private final SiteHealth siteHealth;
    private final OutboundAddressGuard guard;

    public PageScraper(
            FetchClients clients,
            PageFetcher fetcher,
            PageExtractor extractor,
            RobotsPolicy robots,
            SitePoliteness politeness,
            SiteProfiles profiles,
            SiteSessions sessions,
            RenderBackends renderers,
            RetryAfter retryAfter,
            FetchConfig config,
            FetchMetrics metrics,
            SiteHealth siteHealth,
            OutboundAddressGuard guard) {
        this.clients = clients;
        this.fetcher = fetcher;
        this.extractor = extractor;
        this.robots = robots;
        this.politeness = politeness;
        this.profiles = profiles;
        this.sessions = sessions;
        this.renderers = renderers;
        this.retryAfter = retryAfter;
        this.config = config;
        this.metrics = metrics;
        this.siteHealth = siteHealth;
        this.guard = guard;
    }

    /** A job holds one lease on the fetch client for all its pages, so recycling counts jobs. */
    public FetchClients.Lease lease() {
        return clients.acquire();
    }

    public Uni<StoredPage> scrape(FetchClients.Lease lease, String url, int depth, JobSpec spec) {
        return politely(lease, url, spec, true)
                .chain(page -> page.isEmpty()
                        ? Uni.createFrom().item(StoredPage.skipped(url, depth, "robots.txt"))
                        : extractWhereItFits(page.get(), depth, spec));
    }

    /**
     * A file the crawl reads for itself (a sitemap), fetched as a page is (robots.txt, politeness,
     * the profile's headers and session, the address guard) but never rendered and not extracted; a
     * file robots.txt disallows fails as {@code robots-disallowed}.
     */
    public Uni<FetchedPage> fetchFile(FetchClients.Lease lease, String url, JobSpec spec) {
        return politely(lease, url, spec, false)
                .map(page -> page.orElseThrow(
                        () -> FetchFailure.permanent("robots-disallowed", "robots.txt of the site disallows " + url)));
    }

    /** The fetched page; empty if robots.txt disallows it (then nothing is fetched). */
    private Uni<Optional<FetchedPage>> politely(FetchClients.Lease lease, String url, JobSpec spec, boolean mayRender) {
        Optional<String> parsedHost = hostOf(url);
        if (parsedHost.isEmpty()) {
            return Uni.createFrom().failure(FetchFailure.permanent("invalid-url", "Not a URL with a host: " + url));
        }
        String host = parsedHost.get();
        Optional<SiteProfile> profile = profiles.forHost(host);
        Uni<RobotsVerdict> verdict = spec.respectRobots()
                ? robots.check(url)
                : Uni.createFrom().item(new RobotsVerdict(true, Optional.empty()));
        return verdict.chain(robotsSays -> {
            if (robotsSays.unreachable()) {
                return Uni.createFrom()
                        .failure(FetchFailure.transientFailure(
                                "robots-unavailable",
                                "robots.txt of " + host
                                        + " could not be read; the site is not fetched until it can be"));
            }
            if (!robotsSays.allowed()) {
                metrics.skippedByRobots();
                return Uni.createFrom().item(Optional.<FetchedPage>empty());
            }
            SiteLimits limits = limitsFor(profile).withCrawlDelay(robotsSays.crawlDelay());
            long asked = System.nanoTime();
            return politeness
                    .acquire(host, limits)
                    .map(SitePermit::keepAlive)
                    .invoke(() -> metrics.waitedForPoliteness(asked))
                    .chain(permit -> {
                        long started = System.nanoTime();
                        return fetchWithSession(
                                        lease,
                                        url,
                                        spec,
                                        profile.filter(p -> spec.mayUseProfile(p.name())),
                                        true,
                                        mayRender)
                                .invoke(page -> metrics.fetched(page, started))
                                .onItemOrFailure()
                                .invoke((page, failure) -> returnPermit(permit, host, failure, spec));
                    })
                    .onFailure(FetchFailure.class)
                    .invoke(failure -> metrics.failed((FetchFailure) failure))
                    .map(Optional::of);
        });
    }

    private static Optional<String> hostOf(String url) {
        try {
            return Optional.ofNullable(URI.create(url).getHost());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private SiteLimits limitsFor(Optional<SiteProfile> profile) {
        SiteLimits defaults = politeness.defaultLimits();
        return profile.map(p -> new SiteLimits(
                        p.maxConcurrency().orElse(defaults.maxConcurrency()),
                        p.minDelay().orElse(defaults.minDelay())))
                .orElse(defaults);
    }

    /**
     * Gives the permit back, with the outcome for the site's window, without waiting: permits are
     * decided in the order they are asked for, so any acquire that comes after sees the release,
     * and neither call fails (a lost release frees its slot when its lease runs out).
     */
    private void returnPermit(SitePermit permit, String host, Throwable failure, JobSpec spec) {
        release(permit, failure).subscribe().with(released -> {}, ignored -> {});
        if (speaksForTheSite(failure, spec)) {
            siteHealth.record(host, failure).subscribe().with(recorded -> {}, ignored -> {});
        }
    }

    /**
     * A timeout under a limit the client chose shorter than ours says only that the site is slower
     * than that client wanted: counted, it would let any client pause a site for everyone.
     */
    private boolean speaksForTheSite(Throwable failure, JobSpec spec) {
        return !(failure instanceof FetchFailure fetchFailure
                && fetchFailure.timedOut()
                && fetchTimeout(spec).compareTo(config.requestTimeout()) < 0);
    }

    private Duration fetchTimeout(JobSpec spec) {
        return spec.timeoutSeconds() == null ? config.requestTimeout() : Duration.ofSeconds(spec.timeoutSeconds());
    }

    private Uni<Void> release(SitePermit permit, Throwable failure) {
        if (failure instanceof FetchFailure fetchFailure
                && fetchFailure.retryAfter().isPresent()) {
            Optional<Duration> pause =
                    retryAfter.parse(fetchFailure.retryAfter().get(), Instant.now());
            if (pause.isPresent()) {
                return permit.release(pause.get());
            }
        }
        return permit.release();
    }

    private Uni<FetchedPage> fetchWithSession(
            FetchClients.Lease lease,
            String url,
            JobSpec spec,
            Optional<SiteProfile> profile,
            boolean mayRenew,
            boolean mayRender) {
        Uni<Optional<SiteSession>> session = profile.filter(p -> p.session().isPresent())
                .map(p -> sessions.current(p.name()).map(Optional::of))
                .orElseGet(() -> Uni.createFrom().item(Optional.empty()));
        return session.chain(current -> fetch(lease, url, spec, profile, current, mayRender)
                .onFailure(f -> mayRenew && current.isPresent() && f instanceof FetchFailure ff && ff.unauthorised())
                .recoverWithUni(() -> sessions.invalidate(
                                current.get().profile(), current.get().version())
                        .chain(() -> fetchWithSession(lease, url, spec, profile, false, mayRender))));
    }

    private Uni<FetchedPage> fetch(
            FetchClients.Lease lease,
            String url,
            JobSpec spec,
            Optional<SiteProfile> profile,
            Optional<SiteSession> session,
            boolean mayRender) {
        SiteCredentials credentials = new SiteCredentials(spec.headers(), profile, session);
        if (mayRender && (spec.render() || profile.map(SiteProfile::render).orElse(false))) {
            // the backend's browser goes where it is sent: the target is vetted as a fetch's would be
            URI target = URI.create(url);
            return guard.checkUrl(target)
                    .chain(() -> renderers.render(url, credentials.forRender(target)))
                    .map(rendered -> new FetchedPage(
                            url,
                            rendered.url(),
                            200,
                            "text/html; charset=utf-8",
                            rendered.html().getBytes(StandardCharsets.UTF_8)));
        }
        return fetcher.fetch(lease, url, credentials, fetchTimeout(spec));
    }

    /**
     * A small page is parsed where it arrived, on the event loop: that takes tens of microseconds,
     * less than the hand-over to a worker thread and back. A larger one goes to a worker thread,
     * where parsing it for milliseconds holds up no other request.
     */
    private Uni<StoredPage> extractWhereItFits(FetchedPage page, int depth, JobSpec spec) {
        Uni<FetchedPage> here = Uni.createFrom().item(page);
        return (page.body().length <= config.inlineExtractionBytes()
                        ? here
                        : here.emitOn(Infrastructure.getDefaultWorkerPool()))
                .map(fetched -> toStored(fetched, depth, extract(fetched, spec)));
    }

    private ExtractedPage extract(FetchedPage page, JobSpec spec) {
        try {
            return extractor.extract(
                    page,
                    new ExtractionRequest(
                            Set.copyOf(spec.formats()),
                            spec.selectors(),
                            !spec.crawl().singlePage()));
        } catch (RuntimeException | StackOverflowError e) {
            // a page nested deeply enough overflows a recursive converter: only that page is unreadable
            throw FetchFailure.permanent(
                    "invalid-content",
                    "Could not parse " + page.finalUrl() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static StoredPage toStored(FetchedPage page, int depth, ExtractedPage extracted) {
        return new StoredPage(
                page.url(),
                page.finalUrl(),
                page.statusCode(),
                page.contentType(),
                depth,
                extracted.metadata(),
                extracted.title(),
                extracted.description(),
                extracted.text(),
                extracted.markdown(),
                extracted.html(),
                extracted.links(),
                extracted.fields(),
                null,
                null,
                extracted.main());
    }
}
