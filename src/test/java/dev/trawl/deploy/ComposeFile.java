package dev.trawl.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A compose file read as Docker Compose reads it: YAML anchors and merge keys ({@code <<: *trawl-env})
 * resolved by SnakeYAML, then every string interpolated from a shell environment given by the test
 * ({@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code $VAR}, and {@code $$} for a
 * literal {@code $}). A variable with neither a value nor a default is an error: a fresh clone has no
 * .env file, so every setting must work from its default.
 */
final class ComposeFile {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$(\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG])?[bB]?");

    private final Map<String, Object> model;

    private ComposeFile(Map<String, Object> model) {
        this.model = model;
    }

    static ComposeFile read(Path file, Map<String, String> shell) throws IOException {
        Object raw = new Yaml(new LoaderOptions()).load(Files.readString(file, StandardCharsets.UTF_8));
        return new ComposeFile(map(interpolate(raw, shell), file.toString()));
    }

    /** One service of the file, merged and interpolated. */
    Service service(String name) {
        return new Service(name, map(map(model.get("services"), "services").get(name), "services." + name));
    }

    record Service(String name, Map<String, Object> definition) {

        /** {@code environment}, as the container gets it. */
        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            map(definition.get("environment"), name + ".environment")
                    .forEach((key, value) -> environment.put(key, value == null ? "" : String.valueOf(value)));
            return environment;
        }

        /** {@code healthcheck.test} in its exec form, without the leading {@code CMD}. */
        List<String> healthcheckCommand() {
            List<String> test = new ArrayList<>();
            for (Object part : (List<?>) healthcheck().get("test")) {
                test.add(String.valueOf(part));
            }
            if (test.isEmpty() || !test.get(0).equals("CMD")) {
                throw new IllegalStateException(
                        name + ": the test reads healthcheck tests in the CMD form, not " + test);
            }
            return test.subList(1, test.size());
        }

        Duration healthcheckDuration(String key) {
            return duration(String.valueOf(healthcheck().get(key)));
        }

        int healthcheckRetries() {
            return ((Number) healthcheck().get("retries")).intValue();
        }

        /** {@code deploy.resources.limits.memory} in bytes. */
        long memoryLimitBytes() {
            return size(String.valueOf(limits().get("memory")));
        }

        /** {@code deploy.resources.limits.cpus}, rounded up to whole processors as the JVM counts them. */
        int cpuLimit() {
            return (int) Math.ceil(Double.parseDouble(String.valueOf(limits().get("cpus"))));
        }

        /** The container side of the first published port ({@code [ip:]host:container}). */
        int containerPort() {
            String mapping = String.valueOf(((List<?>) definition.get("ports")).get(0));
            return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
        }

        private Map<String, Object> healthcheck() {
            return map(definition.get("healthcheck"), name + ".healthcheck");
        }

        private Map<String, Object> limits() {
            Map<String, Object> resources =
                    map(map(definition.get("deploy"), name + ".deploy").get("resources"), name + ".resources");
            return map(resources.get("limits"), name + ".deploy.resources.limits");
        }
    }

    /** A Go duration as compose writes them ({@code 10s}, {@code 1m30s}). */
    static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(
                    switch (matcher.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    });
            end = matcher.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("not a compose duration: " + text);
        }
        return total;
    }

    /** A byte size as compose writes them ({@code 512M}, {@code 1G}, {@code 1536m}). */
    static long size(String text) {
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a compose byte size: " + text);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase();
        return switch (unit) {
            case "k" -> amount << 10;
            case "m" -> amount << 20;
            case "g" -> amount << 30;
            default -> amount;
        };
    }

    static String interpolate(String value, Map<String, String> shell) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(substitute(matcher, shell)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String substitute(Matcher matcher, Map<String, String> shell) {
        if ("$".equals(matcher.group(1))) {
            return "$";
        }
        String variable = matcher.group(2) != null ? matcher.group(2) : matcher.group(5);
        String operator = matcher.group(3);
        String current = shell.get(variable);
        if (":-".equals(operator) && (current == null || current.isEmpty())) {
            return matcher.group(4);
        }
        if ("-".equals(operator) && current == null) {
            return matcher.group(4);
        }
        if (current == null) {
            throw new IllegalStateException("variable " + variable + " has no default and is not set");
        }
        return current;
    }

    private static Object interpolate(Object value, Map<String, String> shell) {
        if (value instanceof String text) {
            return interpolate(text, shell);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> interpolate(item, shell)).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((key, item) -> resolved.put(String.valueOf(key), interpolate(item, shell)));
            return resolved;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalStateException(where + " is not a mapping in the compose file");
        }
        return (Map<String, Object>) value;
    }
}
