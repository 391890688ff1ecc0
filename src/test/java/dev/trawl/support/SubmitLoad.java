package dev.trawl.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits one job per URL from a few client threads at once, in the background, and keeps every
 * answer: the test can act while submits are still coming in and then see which were accepted.
 */
public final class SubmitLoad implements AutoCloseable {

    private final ExecutorService clients;
    private final ConcurrentLinkedQueue<PlatformClient.Submitted> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();

    private SubmitLoad(int threads) {
        this.clients = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "submit-load");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static SubmitLoad start(PlatformClient api, List<String> urls, int threads) {
        return start(api, urls, Map.of(), threads);
    }

    /** Every job with the same request members besides its URL. */
    public static SubmitLoad start(PlatformClient api, List<String> urls, Map<String, Object> options, int threads) {
        SubmitLoad load = new SubmitLoad(threads);
        for (int t = 0; t < threads; t++) {
            load.clients.execute(() -> {
                for (int i = load.next.getAndIncrement(); i < urls.size(); i = load.next.getAndIncrement()) {
                    PlatformClient.Submitted answer = api.submit(urls.get(i), options);
                    load.answers.add(answer);
                    if (answer.accepted()) {
                        load.accepted.incrementAndGet();
                    }
                }
            });
        }
        load.clients.shutdown();
        return load;
    }

    public int acceptedSoFar() {
        return accepted.get();
    }

    public int answeredSoFar() {
        return answers.size();
    }

    public boolean done() {
        return clients.isTerminated();
    }

    /** Waits for the last submit to be answered; fails if that takes longer than the bound. */
    public SubmitLoad awaitDone(Duration bound) {
        try {
            if (!clients.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "Submitting did not finish within " + bound + " (" + answers.size() + " answered)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    public List<String> acceptedIds() {
        return answers.stream()
                .filter(PlatformClient.Submitted::accepted)
                .map(PlatformClient.Submitted::id)
                .toList();
    }

    /** How many answers of each status (-1: no answer). */
    public Map<Integer, Integer> statuses() {
        Map<Integer, Integer> statuses = new TreeMap<>();
        answers.forEach(a -> statuses.merge(a.status(), 1, Integer::sum));
        return statuses;
    }

    /** The first refusal, for the report. */
    public String firstRefusal() {
        return answers.stream()
                .filter(a -> !a.accepted())
                .findFirst()
                .map(a -> a.status() + " " + a.error())
                .orElse("none");
    }

    @Override
    public void close() {
        clients.shutdownNow();
    }
}
