package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.trawl.job.CrawlSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CrawlFrontierTest {

    private static final String START = "http://site.test/";
    private static final CrawlSpec SPEC = new CrawlSpec(10, 3, List.of(), List.of(), true);
    private static final FrontierBounds BOUNDS = new FrontierBounds(5, 2048, 100);

    private static String url(String path) {
        return "http://site.test/" + path;
    }

    @Test
    void aSnapshotPutsThePagesInFlightBackInFrontOfTheQueue() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC, BOUNDS);
        frontier.next();
        frontier.offer(List.of(url("a"), url("b"), url("c")), 0);
        frontier.done(START);
        assertThat(frontier.next()).map(CrawlFrontier.Target::url).contains(url("a"));

        CrawlFrontier.Snapshot snapshot = frontier.snapshot(1);

        assertThat(snapshot.done()).containsExactly(START);
        assertThat(snapshot.pending())
                .extracting(CrawlFrontier.Target::url)
                .containsExactly(url("a"), url("b"), url("c"));
        assertThat(snapshot.pending()).extracting(CrawlFrontier.Target::depth).containsOnly(1);
        assertThat(snapshot.pagesStored()).isEqualTo(1);
    }

    @Test
    void aRestoredFrontierNeverTakesADonePageAgainNorAcceptsItsLink() {
        CrawlFrontier frontier = CrawlFrontier.restore(
                START,
                SPEC,
                BOUNDS,
                new CrawlFrontier.Snapshot(
                        List.of(START, url("a")), List.of(new CrawlFrontier.Target(url("b"), 1)), 2));

        assertThat(frontier.offer(List.of(START, url("a"), url("b"), url("d")), 1))
                .isEqualTo(1);
        assertThat(drain(frontier)).containsExactly(url("b"), url("d"));
        assertThat(frontier.doneCount()).isEqualTo(4);
    }

    @Test
    void replayedPagesAreDoneAndTheirLinksJoinTheFrontier() {
        CrawlFrontier frontier = CrawlFrontier.restore(
                START,
                SPEC,
                BOUNDS,
                new CrawlFrontier.Snapshot(
                        List.of(START),
                        List.of(new CrawlFrontier.Target(url("a"), 1), new CrawlFrontier.Target(url("b"), 1)),
                        1));

        frontier.replay(List.of(new CrawlFrontier.Visited(url("a"), 1, List.of(url("a1"), url("b")), true)));

        assertThat(drain(frontier)).containsExactly(url("b"), url("a1"));
    }

    @Test
    void theStoredPagesAloneRebuildTheFrontierOfACrawl() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC, BOUNDS);

        frontier.replay(List.of(
                new CrawlFrontier.Visited(START, 0, List.of(url("a"), url("b")), true),
                new CrawlFrontier.Visited(url("a"), 1, List.of(url("a1")), false)));

        assertThat(frontier.doneCount()).isEqualTo(2);
        assertThat(drain(frontier)).containsExactly(url("b"), url("a1"));
    }

    @Test
    void pagesDoneByAnEarlierAttemptCountAgainstThePageBudget() {
        CrawlSpec three = new CrawlSpec(3, 3, List.of(), List.of(), true);
        CrawlFrontier frontier = CrawlFrontier.restore(
                START,
                three,
                BOUNDS,
                new CrawlFrontier.Snapshot(
                        List.of(START, url("a")),
                        List.of(new CrawlFrontier.Target(url("b"), 1), new CrawlFrontier.Target(url("c"), 1)),
                        2));

        assertThat(frontier.next()).map(CrawlFrontier.Target::url).contains(url("b"));
        assertThat(frontier.next()).isEmpty();
        assertThat(frontier.exhausted()).isTrue();
    }

    @Test
    void theQueueHoldsAtMostAMultipleOfThePagesTheCrawlMayStillTake() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC, BOUNDS);
        frontier.next(); // the start page is in flight: 9 pages of the budget of 10 remain
        List<String> links =
                IntStream.range(0, 1000).mapToObj(i -> url("p" + i)).toList();

        assertThat(frontier.offer(links, 0)).isEqualTo(45);

        assertThat(frontier.pending()).isEqualTo(45);
        assertThat(frontier.discards().frontierFull()).isEqualTo(955);
        frontier.done(START);
        assertThat(frontier.next()).map(CrawlFrontier.Target::url).contains(url("p0"));
        assertThat(frontier.offer(List.of(url("p999")), 1))
                .as("the bound shrinks as the budget is spent")
                .isZero();
        frontier.done(url("p0"));
        assertThat(frontier.snapshot(2).pending()).hasSize(44);
    }

    @Test
    void overLongLinksAreNotFollowedButCounted() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC, BOUNDS);
        String tooLong = url("x".repeat(2048));

        assertThat(frontier.offer(List.of(tooLong, url("short")), 0)).isEqualTo(1);

        assertThat(frontier.discards().linksTooLong()).isEqualTo(1);
        assertThat(drain(frontier)).containsExactly(START, url("short"));
    }

    @Test
    void aCrawlAdmitsOnlyItsBoundOfOrigins() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC, new FrontierBounds(5, 2048, 2));

        assertThat(frontier.admitsOrigin("http://other.test:81/a")).isTrue();
        assertThat(frontier.admitsOrigin("http://other.test:82/a"))
                .as("a third origin")
                .isFalse();
        assertThat(frontier.admitsOrigin("https://other.test/a"))
                .as("another scheme is another origin")
                .isFalse();
        assertThat(frontier.admitsOrigin("http://other.test:81/b")).isTrue();
        assertThat(frontier.admitsOrigin(url("deep/page"))).isTrue();
    }

    @Test
    void aRestoredFrontierCountsTheOriginsItsDonePagesTouched() {
        CrawlFrontier frontier = CrawlFrontier.restore(
                START,
                SPEC,
                new FrontierBounds(5, 2048, 2),
                new CrawlFrontier.Snapshot(List.of(START, "http://other.test:81/a"), List.of(), 2));

        assertThat(frontier.admitsOrigin("http://other.test:82/a")).isFalse();
        assertThat(frontier.admitsOrigin("http://other.test:81/b")).isTrue();
    }

    @Test
    void aClientPatternThatWouldBacktrackForeverIsMatchedInLinearTime() {
        CrawlSpec nested = new CrawlSpec(10, 3, List.of("(.*a){20}$"), List.of("(.*b){20}$"), true);
        CrawlFrontier frontier = new CrawlFrontier(START, nested, BOUNDS);
        // java.util.regex needs 11 s for (.*a){12}$ against 24 a's and an '!', and grows exponentially from there
        String notIncluded = url("a".repeat(40) + "!");
        String notExcluded = url("b".repeat(40) + "!" + "a".repeat(20));
        String included = url("a".repeat(20));

        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThat(frontier.offer(List.of(notIncluded, notExcluded, included), 0))
                        .isEqualTo(2));
        assertThat(drain(frontier)).containsExactly(START, notExcluded, included);
    }

    private static List<String> drain(CrawlFrontier frontier) {
        List<String> taken = new ArrayList<>();
        for (Optional<CrawlFrontier.Target> next = frontier.next(); next.isPresent(); next = frontier.next()) {
            taken.add(next.get().url());
            frontier.done(next.get().url());
        }
        return taken;
    }
}
