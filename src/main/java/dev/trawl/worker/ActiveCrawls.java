package dev.trawl.worker;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The crawls this worker is running, so a shutdown can checkpoint them before handing them back. */
@ApplicationScoped
public class ActiveCrawls {

    private final Set<CrawlRun> running = ConcurrentHashMap.newKeySet();

    void add(CrawlRun run) {
        running.add(run);
    }

    void remove(CrawlRun run) {
        running.remove(run);
    }

    /** Saves a checkpoint of every running crawl; the item is how many were saved. */
    public Uni<Integer> checkpointAll() {
        List<Uni<Boolean>> saves = running.stream().map(CrawlRun::checkpoint).toList();
        if (saves.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Uni.join().all(saves).andCollectFailures().map(saved ->
                (int) saved.stream().filter(Boolean::booleanValue).count());
    }
}
