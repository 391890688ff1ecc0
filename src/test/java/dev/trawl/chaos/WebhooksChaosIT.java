package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StandardWebhooks;
import dev.trawl.support.StubSite;
import dev.trawl.support.WebhookReceiver;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Worker processes SIGKILLed while they deliver webhooks: one API process and two worker
 * processes of the packaged platform; {@value #JOBS} jobs each want three events POSTed to a slow
 * receiver on 127.0.0.1. Each time another {@value #KILL_EVERY} deliveries are recorded, a worker
 * is killed (its deliveries in flight with it) and a replacement started. At the end every event
 * each job's log holds of the chosen types has exactly one {@code webhook-delivered} ledger entry,
 * none is a dead letter, and the receiver got each of them (at least once: a delivery whose sender
 * died before settling it is sent again, with the same webhook-id) with a valid signature.
 */
class WebhooksChaosIT {

    private static final int JOBS = Integer.getInteger("trawl.chaos.webhook-jobs", 120);
    private static final Set<String> CHOSEN = Set.of("queued", "started", "succeeded");
    private static final int KILL_EVERY = 50;
    private static final int MAX_KILLS = 3;
    /** Long enough that each kill finds deliveries in the middle of their POST. */
    private static final Duration RECEIVER_LATENCY = Duration.ofMillis(1000);

    private static final Duration START_BOUND = Duration.ofSeconds(90);
    private static final Duration RUN_BOUND = Duration.ofSeconds(180);
    private static final String ADMIN_TOKEN = "chaos-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyChosenEventIsRecordedDeliveredExactlyOnceWhileWorkersAreKilled() throws Exception {
        String databaseName = ChaosSettings.database("webhooks");
        String prefix = ChaosSettings.keyPrefix("webhooks");
        Database db = Database.recreateShared(databaseName);
        RedisCli.deleteByPrefix(prefix);
        Map<String, String> properties = new java.util.LinkedHashMap<>(ChaosSettings.platform(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                prefix));
        properties.put("trawl.admin.token", ADMIN_TOKEN);
        properties.put("trawl.webhooks.encryption-key", "3q2+7wIOWzYnCwU/4aZyG1QmHdXcB1dJ2nV0m7yTeXw=");
        // a killed sender's deliveries come due again within seconds; kills must not exhaust attempts
        properties.put("trawl.webhooks.claim-timeout", "5S");
        properties.put("trawl.webhooks.timeout", "3S");
        properties.put("trawl.webhooks.poll-interval", "100MS");
        properties.put("trawl.webhooks.initial-backoff", "100MS");
        properties.put("trawl.webhooks.max-backoff", "500MS");
        properties.put("trawl.webhooks.max-attempts", "50");
        properties.put("trawl.webhooks.concurrency", "8");

        try (StubSite site = new StubSite();
                WebhookReceiver receiver = new WebhookReceiver().delay(RECEIVER_LATENCY);
                PlatformLauncher platforms = new PlatformLauncher("webhooks-kill", properties);
                RedisCli redis = new RedisCli()) {
            PlatformProcess api = platforms.start("api", "api").awaitReady(START_BOUND);
            List<PlatformProcess> workers = new ArrayList<>(
                    List.of(platforms.start("worker-1", "worker"), platforms.start("worker-2", "worker")));
            workers.forEach(w -> w.awaitReady(START_BOUND));

            String key = JsonPath.from(post(api, "/v1/admin/keys", "{\"name\":\"chaos\",\"tier\":\"premium\"}", null))
                    .getString("key");
            String secret = JsonPath.from(post(api, "/v1/webhook-secret/rotate", "", key))
                    .getString("secret");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                site.html("/p/" + i, "<html><head><title>Page " + i + "</title></head><body>Page</body></html>");
                String body = "{\"url\":\"" + site.url("/p/" + i) + "\",\"webhook\":{\"url\":\"" + receiver.url("/hook")
                        + "\",\"events\":[\"queued\",\"started\",\"succeeded\"]}}";
                jobs.add(JsonPath.from(post(api, "/v1/jobs", body, key)).getString("id"));
            }

            long deadline = System.nanoTime() + RUN_BOUND.toNanos();
            int kills = 0;
            long deliveredAtLastKill = 0;
            while (kills < MAX_KILLS && System.nanoTime() < deadline) {
                long next = deliveredAtLastKill + KILL_EVERY;
                await("another " + KILL_EVERY + " deliveries recorded")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> delivered(db) >= next || delivered(db) >= JOBS * 3L - KILL_EVERY);
                if (delivered(db) >= JOBS * 3L - KILL_EVERY) {
                    break;
                }
                PlatformProcess victim = workers.remove(0);
                victim.kill();
                kills++;
                deliveredAtLastKill = delivered(db);
                PlatformProcess replacement = platforms.start("worker-" + (kills + 2), "worker");
                workers.add(replacement);
                replacement.awaitReady(START_BOUND);
            }

            await("every job ended")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> db.number("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running', 'retrying')")
                            == 0);
            // the chosen events every job's log holds, each by its webhook-id
            Set<String> wanted = new HashSet<>();
            for (String id : jobs) {
                for (Object entry : (List<?>) redis.call("XRANGE", prefix + "job:" + id + ":events", "-", "+")) {
                    List<?> fields = (List<?>) ((List<?>) entry).get(1);
                    String type = (String) fields.get(fields.indexOf("t") + 1);
                    if (CHOSEN.contains(type)) {
                        wanted.add("msg_" + id + "_" + ((List<?>) entry).get(0));
                    }
                }
            }
            await("a delivery recorded for every chosen event")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> delivered(db) >= wanted.size());

            Map<String, Long> states = db.counts("SELECT state, count(*) FROM jobs GROUP BY state");
            long deliveredRows = delivered(db);
            long eventsRecordedTwice = db.number("SELECT count(*) FROM (SELECT context FROM op_ledger"
                    + " WHERE kind = 'webhook-delivered' GROUP BY job_id, context HAVING count(*) > 1) twice");
            long dead = db.number("SELECT count(*) FROM webhook_dead_letters");
            long attempts = db.number("SELECT count(*) FROM op_ledger WHERE kind = 'webhook-attempt'");
            Set<String> receivedIds = new HashSet<>();
            long badSignatures = 0;
            for (WebhookReceiver.Received r : receiver.at("/hook")) {
                receivedIds.add(r.header("webhook-id"));
                if (!StandardWebhooks.verifies(
                        secret,
                        r.header("webhook-id"),
                        r.header("webhook-timestamp"),
                        r.body(),
                        r.header("webhook-signature"))) {
                    badSignatures++;
                }
            }
            Set<String> neverReceived = new HashSet<>(wanted);
            neverReceived.removeAll(receivedIds);
            System.out.printf(
                    "%n[chaos] webhooks: %d jobs %s, %d worker kills; %d chosen events, %d delivered ledger entries,"
                            + " %d attempts recorded, %d POSTs received (%d duplicates after kills), %d dead letters%n",
                    JOBS,
                    states,
                    kills,
                    wanted.size(),
                    deliveredRows,
                    attempts,
                    receiver.at("/hook").size(),
                    receiver.at("/hook").size() - receivedIds.size(),
                    dead);

            assertThat(states).containsOnlyKeys("succeeded");
            assertThat(kills).as("worker kills").isGreaterThanOrEqualTo(1);
            assertThat(eventsRecordedTwice)
                    .as("events with two delivered entries")
                    .isZero();
            assertThat(deliveredRows)
                    .as("delivered entries, one per chosen event")
                    .isEqualTo(wanted.size());
            assertThat(dead).as("dead letters").isZero();
            assertThat(neverReceived).as("chosen events the receiver never got").isEmpty();
            assertThat(badSignatures)
                    .as("POSTs whose signature does not verify")
                    .isZero();
        }
    }

    private static long delivered(Database db) {
        return db.number("SELECT count(*) FROM op_ledger WHERE kind = 'webhook-delivered'");
    }

    private static String post(PlatformProcess api, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        request.header("Authorization", "Bearer " + (key == null ? ADMIN_TOKEN : key));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s answered %s", path, response.body())
                .isBetween(200, 299);
        return response.body();
    }
}
