package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.job.CrawlSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CrawlFrontierTest {

    private static final String START = "http://site.test/";
    private static final CrawlSpec SPEC = new CrawlSpec(10, 3, List.of(), List.of(), true);

    private static String url(String path) {
        return "http://site.test/" + path;
    }

    @Test
    void aSnapshotPutsThePagesInFlightBackInFrontOfTheQueue() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC);
        frontier.next();
        frontier.offer(List.of(url("a"), url("b"), url("c")), 0);
        frontier.done(START);
        assertThat(frontier.next()).map(CrawlFrontier.Target::url).contains(url("a"));

        CrawlFrontier.Snapshot snapshot = frontier.snapshot(1);

        assertThat(snapshot.done()).containsExactly(START);
        assertThat(snapshot.pending()).extracting(CrawlFrontier.Target::url)
                .containsExactly(url("a"), url("b"), url("c"));
        assertThat(snapshot.pending()).extracting(CrawlFrontier.Target::depth).containsOnly(1);
        assertThat(snapshot.pagesStored()).isEqualTo(1);
    }

    @Test
    void aRestoredFrontierNeverTakesADonePageAgainNorAcceptsItsLink() {
        CrawlFrontier frontier = CrawlFrontier.restore(START, SPEC, new CrawlFrontier.Snapshot(
                List.of(START, url("a")), List.of(new CrawlFrontier.Target(url("b"), 1)), 2));

        assertThat(frontier.offer(List.of(START, url("a"), url("b"), url("d")), 1)).isEqualTo(1);
        assertThat(drain(frontier)).containsExactly(url("b"), url("d"));
        assertThat(frontier.doneCount()).isEqualTo(4);
    }

    @Test
    void replayedPagesAreDoneAndTheirLinksJoinTheFrontier() {
        CrawlFrontier frontier = CrawlFrontier.restore(START, SPEC, new CrawlFrontier.Snapshot(
                List.of(START), List.of(new CrawlFrontier.Target(url("a"), 1), new CrawlFrontier.Target(url("b"), 1)), 1));

        frontier.replay(List.of(new CrawlFrontier.Visited(url("a"), 1, List.of(url("a1"), url("b")), true)));

        assertThat(drain(frontier)).containsExactly(url("b"), url("a1"));
    }

    @Test
    void theStoredPagesAloneRebuildTheFrontierOfACrawl() {
        CrawlFrontier frontier = new CrawlFrontier(START, SPEC);

        frontier.replay(List.of(
                new CrawlFrontier.Visited(START, 0, List.of(url("a"), url("b")), true),
                new CrawlFrontier.Visited(url("a"), 1, List.of(url("a1")), false)));

        assertThat(frontier.doneCount()).isEqualTo(2);
        assertThat(drain(frontier)).containsExactly(url("b"), url("a1"));
    }

    @Test
    void pagesDoneByAnEarlierAttemptCountAgainstThePageBudget() {
        CrawlSpec three = new CrawlSpec(3, 3, List.of(), List.of(), true);
        CrawlFrontier frontier = CrawlFrontier.restore(START, three, new CrawlFrontier.Snapshot(
                List.of(START, url("a")), List.of(new CrawlFrontier.Target(url("b"), 1),
                        new CrawlFrontier.Target(url("c"), 1)), 2));

        assertThat(frontier.next()).map(CrawlFrontier.Target::url).contains(url("b"));
        assertThat(frontier.next()).isEmpty();
        assertThat(frontier.exhausted()).isTrue();
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
