package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.support.Database;
import dev.trawl.support.FreePort;
import dev.trawl.support.JarProcess;
import dev.trawl.support.PlatformClient;
import dev.trawl.support.PlatformLauncher;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code docker compose -f deploy/compose.yml up} would run, run without Docker (no engine on
 * the machines this suite runs on): the {@code api} and {@code worker} services' environments, read
 * from deploy/compose.yml with its anchors and {@code ${VAR:-default}} defaults resolved as compose
 * resolves them, start the packaged jar as two processes with the JVM options of the Dockerfile's
 * runtime stage and the services' memory and CPU limits. The hostnames {@code redis} and
 * {@code postgres} stand for the test's Redis and PostgreSQL on 127.0.0.1 (the compose default
 * user and password, postgres/postgres, against the local server), with a database and key prefix
 * of this test's own. The compose healthcheck, run literally with bash, reports both healthy within
 * the time compose allows; a job submitted to the api succeeds through the worker; the default admin
 * token opens the admin endpoints.
 *
 * <p>Two deliberate differences from a container: the HTTP host is 127.0.0.1 rather than the image's
 * 0.0.0.0 (this machine is shared; a container has its own network), and each process gets a free
 * port instead of 8080, which the healthcheck's {@code /dev/tcp/127.0.0.1/8080} is pointed at. The
 * stub site is on 127.0.0.1, so the processes also get {@code TRAWL_FETCH_ALLOW_PRIVATE_NETWORKS}.
 */
class ComposeEnvironmentChaosIT {

    private static final Path COMPOSE = Path.of("deploy/compose.yml");
    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile");
    private static final String DATABASE = TestServices.DATABASE + "_chaos_compose";
    private static final String PREFIX = TestServices.KEY_PREFIX + "chaos-compose:";
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theComposeServicesStartHealthyRunAJobAndOpenTheAdminEndpointsWithTheDefaultToken() throws Exception {
        // what a user overrides from the shell, as deploy/README.md says; everything else is a default
        ComposeFile compose = ComposeFile.read(COMPOSE, Map.of("TRAWL_REDIS_KEY_PREFIX", PREFIX));
        DockerfileRuntime image = DockerfileRuntime.read(DOCKERFILE);
        assertThat(image.entrypoint()).contains("/opt/jboss/container/java/run/run-java.sh");
        assertThat(image.environment()).containsEntry("JAVA_APP_JAR", "/deployments/quarkus-run.jar");
        // other containers (Prometheus) and the healthcheck reach the process only if it listens beyond loopback
        assertThat(image.jvmOptions()).contains("-Dquarkus.http.host=0.0.0.0");
        Database.recreateShared(DATABASE);
        RedisCli.deleteByPrefix(PREFIX);

        ComposeFile.Service apiService = compose.service("api");
        ComposeFile.Service workerService = compose.service("worker");
        String postgresDb = compose.service("postgres").environment().get("POSTGRES_DB");
        String adminToken = apiService.environment().get("TRAWL_ADMIN_TOKEN");
        assertThat(adminToken).isEqualTo("local-admin-token-change-me");
        assertThat(workerService.environment().get("TRAWL_ADMIN_TOKEN")).isEqualTo(adminToken);
        assertThat(apiService.environment()).containsEntry("TRAWL_ROLES", "api");
        assertThat(workerService.environment()).containsEntry("TRAWL_ROLES", "worker");

        Path jar = Path.of(System.getProperty("trawl.chaos.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        assertThat(jar).as("build it with ./mvnw package -DskipTests").isRegularFile();
        Path logs = PlatformLauncher.logDir("compose-environment");
        int apiPort = FreePort.pick();
        int workerPort = FreePort.pick();
        int containerPort = apiService.containerPort();
        List<String> apiHealthcheck = healthcheck(apiService, containerPort, apiPort);
        List<String> workerHealthcheck = healthcheck(workerService, containerPort, workerPort);
        Duration healthcheckTimeout = apiService.healthcheckDuration("timeout");
        assertThat(healthy(apiHealthcheck, healthcheckTimeout))
                .as("the healthcheck fails while nothing listens")
                .isFalse();

        try (StubSite site = new StubSite();
                JarProcess api = JarProcess.start(
                        jar,
                        jvmOptions(image, apiService, apiPort),
                        processEnvironment(image, apiService, postgresDb),
                        logs.resolve("api.log"));
                JarProcess worker = JarProcess.start(
                        jar,
                        jvmOptions(image, workerService, workerPort),
                        processEnvironment(image, workerService, postgresDb),
                        logs.resolve("worker.log"))) {
            site.html("/article", "<html><head><title>Composed</title></head><body><p>Hello</p></body></html>");

            // compose marks a container unhealthy after start_period plus `retries` failed checks
            Duration healthyWithin = apiService
                    .healthcheckDuration("start_period")
                    .plus(apiService.healthcheckDuration("interval").multipliedBy(apiService.healthcheckRetries()));
            await("the api's compose healthcheck; see " + api.log())
                    .atMost(healthyWithin)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> alive(api) && healthy(apiHealthcheck, healthcheckTimeout));
            await("the worker's compose healthcheck; see " + worker.log())
                    .atMost(healthyWithin)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> alive(worker) && healthy(workerHealthcheck, healthcheckTimeout));

            assertThat(maxHeapBytes(api)).isEqualTo(apiService.memoryLimitBytes() * 3 / 4);
            assertThat(maxHeapBytes(worker)).isEqualTo(workerService.memoryLimitBytes() * 3 / 4);

            String apiUrl = "http://127.0.0.1:" + apiPort;
            PlatformClient.Submitted job = new PlatformClient(apiUrl).submit(site.url("/article"));
            assertThat(job.accepted()).as(job.error()).isTrue();
            await("job " + job.id() + " succeeds through the worker; see " + worker.log())
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> status(get(apiUrl + "/v1/jobs/" + job.id(), Map.of())), "succeeded"::equals);

            assertThat(get(apiUrl + "/v1/dead-letters", Map.of("Authorization", "Bearer " + adminToken))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get(apiUrl + "/v1/dead-letters", Map.of("X-Admin-Token", adminToken))
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> without = get(apiUrl + "/v1/dead-letters", Map.of());
            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(without.body()).contains("admin-token-invalid").doesNotContain(adminToken);
        }
    }

    /**
     * The Dockerfile's JAVA_OPTS_APPEND, with the service's memory limit as the JVM's idea of the
     * machine's memory (a container's cgroup limit does that) and its CPU limit as the processor count.
     */
    private static List<String> jvmOptions(DockerfileRuntime image, ComposeFile.Service service, int port) {
        List<String> options = new ArrayList<>();
        options.add("-XX:MaxRAM=" + service.memoryLimitBytes());
        options.add("-XX:ActiveProcessorCount=" + service.cpuLimit());
        for (String option : image.jvmOptions()) {
            options.add(option.equals("-Dquarkus.http.host=0.0.0.0") ? "-Dquarkus.http.host=127.0.0.1" : option);
        }
        options.add("-Dquarkus.http.port=" + port);
        return options;
    }

    /** The image's ENV and the service's environment, with the compose network's hostnames mapped to 127.0.0.1. */
    private static Map<String, String> processEnvironment(
            DockerfileRuntime image, ComposeFile.Service service, String postgresDb) {
        Map<String, String> environment = new LinkedHashMap<>(image.environment());
        service.environment().forEach((key, value) -> environment.put(key, onThisHost(value, postgresDb)));
        environment.put("TRAWL_FETCH_ALLOW_PRIVATE_NETWORKS", "true");
        return environment;
    }

    private static String onThisHost(String value, String postgresDb) {
        return value.replace("//redis:6379", "//127.0.0.1:6379")
                .replace("//postgres:5432/" + postgresDb, "//127.0.0.1:5432/" + DATABASE);
    }

    /** The service's healthcheck command, its {@code /dev/tcp/127.0.0.1/<container port>} pointed at the process. */
    private static List<String> healthcheck(ComposeFile.Service service, int containerPort, int port) {
        String target = "/dev/tcp/127.0.0.1/" + containerPort;
        List<String> command = new ArrayList<>(service.healthcheckCommand());
        assertThat(command).anySatisfy(part -> assertThat(part).contains(target));
        command.replaceAll(part -> part.replace(target, "/dev/tcp/127.0.0.1/" + port));
        return command;
    }

    private static boolean healthy(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process check = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!check.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            check.destroyForcibly();
            return false;
        }
        return check.exitValue() == 0;
    }

    private static boolean alive(JarProcess process) {
        if (!process.alive()) {
            throw new IllegalStateException("the process exited; see " + process.log());
        }
        return true;
    }

    /** The heap the JVM sized for itself, from {@code jcmd <pid> VM.flags}. */
    private static long maxHeapBytes(JarProcess process) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(process.pid()),
                        "VM.flags")
                .redirectErrorStream(true)
                .start();
        String flags = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher heap = MAX_HEAP.matcher(flags);
        assertThat(heap.find()).as(flags).isTrue();
        return Long.parseLong(heap.group(1));
    }

    private static HttpResponse<String> get(String url, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET();
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<String> response) throws IOException {
        JsonNode body = JSON.readTree(response.body());
        return body.path("status").asText();
    }
}
