package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy files as shipped: the alert rules load and pass their unit tests under promtool, and
 * every Kubernetes manifest matches the schema of its kind, and the compose file matches the Compose
 * Specification's schema after Compose's own merging and interpolation (deploy/validate, whose
 * packages deploy/local/ensure-services.sh installs with promtool). A missing tool fails the test: these
 * checks are part of the suite, never skipped.
 */
class ManifestChecksTest {

    private static final Path PROMETHEUS = Path.of("deploy/prometheus");
    private static final Path K8S = Path.of("deploy/k8s");
    private static final Path VALIDATE = Path.of("deploy/validate");
    private static final Path COMPOSE = Path.of("deploy/compose.yml");

    @Test
    void alertRulesAreValid() throws Exception {
        Run run = run(List.of(
                "promtool", "check", "rules", PROMETHEUS.resolve("alerts.yml").toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void alertRuleUnitTestsPass() throws Exception {
        Run run = run(List.of(
                "promtool",
                "test",
                "rules",
                PROMETHEUS.resolve("alerts_test.yml").toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyKubernetesManifestMatchesItsSchema() throws Exception {
        List<String> manifests;
        try (Stream<Path> files = Files.list(K8S)) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml"))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        List<String> command = new ArrayList<>(List.of(
                "node", VALIDATE.resolve("validate.mjs").toString(), "--rules=" + PROMETHEUS.resolve("alerts.yml")));
        command.addAll(manifests);
        Run run = run(command);
        assertThat(run.exitCode()).as(run.output()).isZero();
        // one line per document, so a file that parsed to nothing cannot pass unseen
        for (String manifest : manifests) {
            assertThat(run.output()).as(manifest).contains(manifest);
        }
        assertThat(run.output())
                .contains(
                        "PrometheusRule trawl",
                        "ServiceMonitor trawl",
                        "NetworkPolicy trawl-worker",
                        "Ingress api",
                        "ServiceAccount trawl");
    }

    @Test
    void theSchemaCheckRejectsABrokenManifest(@TempDir Path dir) throws Exception {
        String deployment = Files.readString(K8S.resolve("worker-deployment.yaml"), StandardCharsets.UTF_8);
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, deployment.replace("containerPort: 8080", "containerPort: \"eighty\""));
        Run run = run(List.of("node", VALIDATE.resolve("validate.mjs").toString(), broken.toString()));
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("INVALID", "containerPort must be integer");
    }

    @Test
    void theComposeFileMatchesTheComposeSpecification() throws Exception {
        Run run = run(List.of("node", VALIDATE.resolve("validate-compose.mjs").toString(), COMPOSE.toString()));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("valid   " + COMPOSE + ": services redis, postgres, api, worker");
    }

    @Test
    void theComposeSchemaCheckRejectsABrokenComposeFile(@TempDir Path dir) throws Exception {
        String compose = Files.readString(COMPOSE, StandardCharsets.UTF_8);
        Path broken = dir.resolve("compose.yml");
        Files.writeString(
                broken,
                compose.replace("stop_grace_period: 60s", "stop_grace_periods: 60s")
                        .replace("interval: 10s", "interval: ten seconds")
                        .replace("name: trawl", "name: Trawl"));
        Run run = run(List.of("node", VALIDATE.resolve("validate-compose.mjs").toString(), broken.toString()));
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains(
                        "INVALID",
                        "/services/worker must NOT have additional properties (stop_grace_periods)",
                        "/services/api/healthcheck/interval must match format \"duration\"",
                        "/name must be a project name");
    }

    @Test
    void theComposeCheckFindsPathsThatAreNotInTheCheckout() throws Exception {
        // written beside the real one, as the paths are relative to the compose file's folder
        Path broken = COMPOSE.resolveSibling("compose-broken-paths.test.yml");
        String compose = Files.readString(COMPOSE, StandardCharsets.UTF_8);
        try {
            Files.writeString(
                    broken,
                    compose.replace(
                                    "dockerfile: src/main/docker/Dockerfile",
                                    "dockerfile: src/main/docker/Dockerfile.gone")
                            .replace("./grafana/trawl-dashboard.json:", "./grafana/gone.json:"));
            Run run =
                    run(List.of("node", VALIDATE.resolve("validate-compose.mjs").toString(), broken.toString()));
            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(run.output())
                    .contains(
                            "/services/api/build/dockerfile src/main/docker/Dockerfile.gone is not in the context",
                            "/services/grafana/volumes bind-mount source ./grafana/gone.json does not exist");
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    void theComposeCheckRefusesAVariableWithoutDefault(@TempDir Path dir) throws Exception {
        String compose = Files.readString(COMPOSE, StandardCharsets.UTF_8);
        Path broken = dir.resolve("compose.yml");
        Files.writeString(
                broken,
                compose.replace("${TRAWL_ADMIN_TOKEN:-local-admin-token-change-me}", "${TRAWL_TEST_UNSET_TOKEN}"));
        Run run = run(List.of("node", VALIDATE.resolve("validate-compose.mjs").toString(), broken.toString()));
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("variable TRAWL_TEST_UNSET_TOKEN has no default and is not set");
    }

    private record Run(int exitCode, String output) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        assertThat(VALIDATE.resolve("node_modules"))
                .as("the schema packages: run deploy/local/ensure-services.sh")
                .isDirectory();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is missing: run deploy/local/ensure-services.sh", e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), output);
    }
}
