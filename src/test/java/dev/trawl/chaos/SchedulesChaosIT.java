package dev.trawl.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.support.Database;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.StubSite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two worker processes fire the same schedule, a tick every second: each tick that was fired
 * submitted exactly one job, and every job ran once. Which pod wins a tick depends on when each
 * polls, so one may win them all; the pod that fired is then SIGKILLed and the other must go on
 * firing the ticks alone, none twice.
 */
class SchedulesChaosIT {

    private static final String ADMIN_TOKEN = "chaos-schedules-admin";
    private static final int TICKS = 10;
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TICKS_SERIES =
            Pattern.compile("(?m)^trawl_schedule_ticks_total\\{[^}]*outcome=\"([a-z_]+)\"[^}]*} (\\S+)$");

    @Test
    void eachTickOfAScheduleSubmitsOneJobAcrossTwoPods() throws Exception {
        String databaseName = ChaosSettings.database("schedules");
        Database db = Database.recreateShared(databaseName);
        Map<String, String> settings = ChaosSettings.platform(
                "postgresql://127.0.0.1:5432/" + databaseName,
                "jdbc:postgresql://127.0.0.1:5432/" + databaseName,
                "redis://127.0.0.1:6379",
                ChaosSettings.keyPrefix("schedules"));
        settings.put("trawl.admin.token", ADMIN_TOKEN);
        settings.put("trawl.schedules.min-interval", "1S");
        settings.put("trawl.schedules.poll-interval", "100MS");

        try (StubSite site = new StubSite();
                PlatformLauncher platforms = new PlatformLauncher("schedules", settings)) {
            site.html("/every-second", "<title>tick</title>");
            PlatformProcess first = platforms.start("pod-1", "api,worker");
            PlatformProcess second = platforms.start("pod-2", "api,worker");
            first.awaitReady(START_BOUND);
            second.awaitReady(START_BOUND);

            JsonNode created = send(
                    first,
                    "POST",
                    "/v1/schedules",
                    Map.of(
                            "name",
                            "every second",
                            "cron",
                            "* * * * * *",
                            "timeZone",
                            "UTC",
                            "job",
                            Map.of("url", site.url("/every-second"), "formats", List.of("metadata"))));
            String id = created.get("id").asText();
            String ofSchedule = " FROM jobs WHERE schedule_id = '" + id + "'";

            await().atMost(Duration.ofSeconds(60)).until(() -> db.number("SELECT count(*)" + ofSchedule) >= TICKS);
            boolean firstFired = tickCounts(first).getOrDefault("submitted", 0.0) > 0;
            PlatformProcess killed = firstFired ? first : second;
            PlatformProcess survivor = firstFired ? second : first;
            killed.kill();
            long beforeKill = db.number("SELECT count(*)" + ofSchedule);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> db.number("SELECT count(*)" + ofSchedule) >= beforeKill + TICKS);
            send(survivor, "POST", "/v1/schedules/" + id + "/pause", null);

            long jobs = db.number("SELECT count(*)" + ofSchedule);
            long ticks = db.number("SELECT count(DISTINCT schedule_tick)" + ofSchedule);
            assertThat(ticks).as("one job per tick").isEqualTo(jobs);
            List<String> tickTimes = db.column("SELECT to_char(schedule_tick AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" + ofSchedule + " ORDER BY schedule_tick");
            for (String tick : tickTimes) {
                assertThat(Instant.parse(tick).getNano())
                        .as("a tick is a whole second")
                        .isZero();
            }
            // catch-up once may skip a tick a slow pass came late for, never fire one twice:
            // most seconds of the run got their job
            Instant firstTick = Instant.parse(tickTimes.get(0));
            Instant lastTick = Instant.parse(tickTimes.get(tickTimes.size() - 1));
            long seconds = Duration.between(firstTick, lastTick).toSeconds() + 1;
            assertThat(ticks).isLessThanOrEqualTo(seconds).isGreaterThanOrEqualTo(seconds / 2);

            // every job runs once, as an ordinary job, those the killed pod had in hand included
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> db.number("SELECT count(*)" + ofSchedule + " AND state = 'succeeded'") == jobs);
            assertThat(db.number("SELECT count(*) FROM pages p JOIN jobs j ON j.id = p.job_id"
                            + " WHERE j.schedule_id = '" + id + "'"))
                    .isEqualTo(jobs);

            // the survivor fired the ticks after the kill (one statement the killed pod had sent may
            // still have committed after beforeKill was read)
            Map<String, Double> survived = tickCounts(survivor);
            assertThat(survived.getOrDefault("submitted", 0.0))
                    .isGreaterThanOrEqualTo((double) (jobs - beforeKill - 1));
            System.out.printf(
                    "[chaos] schedules: %d ticks in %d s, one job each; %s killed after %d, %s then fired %s%n",
                    ticks, seconds, killed.name(), beforeKill, survivor.name(), survived);
        }
    }

    private static Map<String, Double> tickCounts(PlatformProcess pod) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(pod.baseUrl() + "/q/metrics"))
                .header("Accept", "text/plain; version=0.0.4; charset=utf-8")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        String text = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> counts = new java.util.TreeMap<>();
        Matcher sample = TICKS_SERIES.matcher(text);
        while (sample.find()) {
            counts.merge(sample.group(1), Double.parseDouble(sample.group(2)), Double::sum);
        }
        return counts;
    }

    private static JsonNode send(PlatformProcess pod, String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pod.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isBetween(200, 299);
        return JSON.readTree(response.body());
    }
}
