package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two API processes share one caller's budget through Redis: a concurrent burst spread over both
 * is admitted no more than the budget in total, although each pod alone would admit all of it.
 */
class RateLimitAcrossPodsChaosIT {

    private static final int BUDGET = 20;
    private static final int REQUESTS_PER_POD = 50;
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aBurstOverTwoPodsIsAdmittedOnceInTotal() throws Exception {
        String databaseName = ChaosSettings.database("ratelimit");
        Database.recreateShared(databaseName);
        String prefix = ChaosSettings.keyPrefix("ratelimit");
        Map<String, String> settings = ChaosSettings.platform(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                prefix);
        settings.put("trawl.rate-limit.enabled", "true");
        // a burst of 20, then one token a minute: nothing refills while the burst runs
        settings.put("trawl.rate-limit.anonymous.capacity", Integer.toString(BUDGET));
        settings.put("trawl.rate-limit.anonymous.per-minute", "1");
        // two cold JVMs on two cores: Redis must decide every request, not a timeout
        settings.put("trawl.rate-limit.redis-timeout", "5S");
        // were a pod to decide alone, it would admit the whole budget by itself: 40 in all
        settings.put("trawl.rate-limit.expected-pods", "1");

        try (PlatformLauncher platforms = new PlatformLauncher("ratelimit", settings)) {
            PlatformProcess first = platforms.start("api-1", "api");
            PlatformProcess second = platforms.start("api-2", "api");
            first.awaitReady(START_BOUND);
            second.awaitReady(START_BOUND);
            RedisCli.deleteByPrefix(prefix + "rate:");

            List<Callable<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS_PER_POD; i++) {
                calls.add(() -> read(first));
                calls.add(() -> read(second));
            }
            List<Answer> answers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                for (Future<Answer> answer : pool.invokeAll(calls)) {
                    answers.add(answer.get());
                }
            } finally {
                pool.shutdownNow();
            }

            List<Answer> admitted =
                    answers.stream().filter(a -> a.status() == 404).toList();
            assertThat(admitted).hasSize(BUDGET);
            assertThat(answers).filteredOn(a -> a.status() == 429).hasSize(2 * REQUESTS_PER_POD - BUDGET);
            // both pods took part: each alone would have admitted its whole share
            assertThat(admitted).extracting(Answer::pod).contains(first.name(), second.name());
            System.out.printf(
                    "[chaos] rate limit across pods: %d of %d requests admitted (%d by %s, %d by %s)%n",
                    admitted.size(),
                    answers.size(),
                    admitted.stream().filter(a -> a.pod().equals(first.name())).count(),
                    first.name(),
                    admitted.stream().filter(a -> a.pod().equals(second.name())).count(),
                    second.name());
        }
    }

    private record Answer(String pod, int status) {}

    private static Answer read(PlatformProcess pod) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(pod.baseUrl() + "/v1/jobs/" + UUID.randomUUID()))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        return new Answer(
                pod.name(),
                HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
}
