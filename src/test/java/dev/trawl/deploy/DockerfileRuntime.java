package dev.trawl.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime stage of a multi-stage Dockerfile as far as starting the application goes: the
 * {@code ENV} lines after the last {@code FROM} and its {@code ENTRYPOINT}. The ubi9 OpenJDK image's
 * {@code run-java.sh} entrypoint runs {@code java <its defaults> $JAVA_OPTS_APPEND -jar $JAVA_APP_JAR};
 * JVM flags given later win, so {@code JAVA_OPTS_APPEND} decides the heap share and the HTTP host.
 */
record DockerfileRuntime(Map<String, String> environment, String entrypoint) {

    private static final Pattern ENV =
            Pattern.compile("^ENV\\s+([A-Za-z_][A-Za-z0-9_]*)=(?:\"([^\"]*)\"|'([^']*)'|(\\S+))\\s*$");

    static DockerfileRuntime read(Path dockerfile) throws IOException {
        List<String> lines = Files.readAllLines(dockerfile, StandardCharsets.UTF_8);
        int lastFrom = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        String entrypoint = null;
        for (String line : lines.subList(lastFrom, lines.size())) {
            Matcher env = ENV.matcher(line);
            if (env.matches()) {
                String value = env.group(2) != null ? env.group(2) : env.group(3) != null ? env.group(3) : env.group(4);
                environment.put(env.group(1), value);
            } else if (line.startsWith("ENTRYPOINT ")) {
                entrypoint = line.substring("ENTRYPOINT ".length()).trim();
            }
        }
        return new DockerfileRuntime(environment, entrypoint);
    }

    /** {@code JAVA_OPTS_APPEND} split into its options. */
    List<String> jvmOptions() {
        String options = environment.get("JAVA_OPTS_APPEND");
        if (options == null) {
            throw new IllegalStateException("the runtime stage sets no JAVA_OPTS_APPEND");
        }
        return Arrays.asList(options.trim().split("\\s+"));
    }
}
