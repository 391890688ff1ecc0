package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.deploy.DockerfileInstructions.Instruction;
import dev.trawl.support.PlatformLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build stage of src/main/docker/Dockerfile, followed without Docker (no engine on the machines
 * this suite runs on): the files of a fresh clone ({@code git ls-files}) that
 * Dockerfile.dockerignore lets into the build context (by Docker's rules, deploy/validate/
 * build-context.mjs), copied into a folder standing for the stage's WORKDIR as its COPY
 * instructions say, then its RUN command run there literally with {@code sh -c}. The build must
 * succeed with only those files (no .git, no src/test, no host target/) and produce every path the
 * runtime stage copies out of it, the jar the entrypoint starts among them.
 *
 * <p>What this cannot show: the base images, the BuildKit cache mount, downloading Maven and the
 * dependencies inside the image (Maven runs offline here, from the repository the suite's own build
 * filled: MAVEN_ARGS=-o), the runtime image's run-java.sh and user 185.
 */
class DockerBuildStageChaosIT {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile");
    private static final Path DOCKERIGNORE = Path.of("src/main/docker/Dockerfile.dockerignore");
    private static final Path BUILD_CONTEXT = Path.of("deploy/validate/build-context.mjs");
    private static final int BUILD_STAGE = 0;
    private static final int RUNTIME_STAGE = 1;

    @Test
    void theBuildStageBuildsTheAppFromTheFilesTheDockerignoreLetsThrough(@TempDir Path workdir) throws Exception {
        DockerfileInstructions dockerfile = DockerfileInstructions.read(DOCKERFILE);
        assertThat(dockerfile.of(BUILD_STAGE, "WORKDIR"))
                .singleElement()
                .extracting(Instruction::arguments)
                .isEqualTo("/src");
        List<String> context = buildContext();
        assertThat(context)
                .contains("mvnw", "pom.xml", ".mvn/wrapper/maven-wrapper.properties")
                .noneMatch(path -> path.startsWith("src/test/") || path.startsWith("target/"));

        for (Instruction copy : dockerfile.of(BUILD_STAGE, "COPY")) {
            List<String> operands = copy.operands();
            String destination = operands.get(operands.size() - 1);
            for (String source : operands.subList(0, operands.size() - 1)) {
                copyFromContext(context, source, destination, workdir);
            }
        }
        Instruction run = dockerfile.of(BUILD_STAGE, "RUN").get(0);
        String command = String.join(" ", run.operands());
        assertThat(command).contains("./mvnw");

        Path log = PlatformLauncher.logDir("docker-build-stage").resolve("build.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("MAVEN_"));
        environment.put("MAVEN_ARGS", "-o");
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        Process build = builder.start();
        assertThat(build.waitFor(10, TimeUnit.MINUTES))
                .as("the build ends within 10 minutes")
                .isTrue();
        assertThat(build.exitValue())
                .as("%s in a folder with the build context only; see %s", command, log)
                .isZero();

        List<Instruction> copiesOut = dockerfile.of(RUNTIME_STAGE, "COPY");
        assertThat(copiesOut).isNotEmpty().allMatch(copy -> copy.hasOption("--from=build"));
        List<String> copiedJars = new ArrayList<>();
        for (Instruction copy : copiesOut) {
            String source = copy.operands().get(0);
            assertThat(source).startsWith("/src/");
            Path inStage = workdir.resolve(source.substring("/src/".length()));
            if (inStage.getFileName().toString().equals("*.jar")) {
                try (Stream<Path> jars = Files.list(inStage.getParent())) {
                    jars.map(jar -> jar.getFileName().toString())
                            .filter(name -> name.endsWith(".jar"))
                            .forEach(copiedJars::add);
                }
            } else {
                assertThat(inStage).as(source).isDirectory().isNotEmptyDirectory();
            }
        }
        DockerfileRuntime runtime = DockerfileRuntime.read(DOCKERFILE);
        String appJar = runtime.environment().get("JAVA_APP_JAR");
        assertThat(appJar).startsWith("/deployments/");
        assertThat(copiedJars).contains(appJar.substring("/deployments/".length()));
    }

    /** {@code git ls-files} filtered by the Dockerfile's own .dockerignore. */
    private static List<String> buildContext() throws IOException, InterruptedException {
        Process files = new ProcessBuilder("git", "ls-files").start();
        byte[] listing = files.getInputStream().readAllBytes();
        assertThat(files.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(files.exitValue()).as("git ls-files").isZero();
        Process filter = new ProcessBuilder("node", BUILD_CONTEXT.toString(), DOCKERIGNORE.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        filter.getOutputStream().write(listing);
        filter.getOutputStream().close();
        String kept = new String(filter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(filter.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(filter.exitValue()).as("node " + BUILD_CONTEXT).isZero();
        return kept.lines().filter(line -> !line.isBlank()).toList();
    }

    /**
     * COPY as Docker does it for the forms the Dockerfile uses: a folder's content into the destination
     * folder, a file into a destination ending in {@code /} under its own name. A source with nothing in
     * the context fails, as the build would.
     */
    private static void copyFromContext(List<String> context, String source, String destination, Path workdir)
            throws IOException {
        String folder = source.endsWith("/") ? source : source + "/";
        Path target = workdir.resolve(destination);
        if (context.contains(source)) {
            copy(
                    Path.of(source),
                    destination.endsWith("/") ? target.resolve(Path.of(source).getFileName()) : target);
            return;
        }
        List<String> inside =
                context.stream().filter(path -> path.startsWith(folder)).toList();
        assertThat(inside).as("COPY %s: not in the build context", source).isNotEmpty();
        for (String path : inside) {
            copy(Path.of(path), target.resolve(path.substring(folder.length())));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
