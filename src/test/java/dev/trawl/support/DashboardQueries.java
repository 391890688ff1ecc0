package dev.trawl.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL queries of the shipped Grafana dashboard (deploy/grafana/trawl-dashboard.json), read
 * for the names of the platform's own series and the labels the queries group or filter by.
 */
public record DashboardQueries(List<Query> queries) {

    public static final Path FILE = Path.of("deploy/grafana/trawl-dashboard.json");

    /** Labels that Prometheus adds when it scrapes a pod (deploy/prometheus/prometheus.yml), never exported. */
    public static final Set<String> SCRAPE_LABELS = Set.of("pod", "component", "job", "instance", "namespace");

    /** Series of the platform's own (trawl_*) and of its HTTP server (http_*); JVM and client series are not ours to name. */
    private static final Pattern SERIES = Pattern.compile("(?<![A-Za-z0-9_:$])((?:trawl|http)_[A-Za-z0-9_]+)");

    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");

    /** One query of one panel. */
    public record Query(String panel, String expr) {

        /** The platform's series the query reads. */
        public Set<String> series() {
            Set<String> names = new TreeSet<>();
            Matcher name = SERIES.matcher(expr);
            while (name.find()) {
                names.add(name.group(1));
            }
            return names;
        }

        /** The labels the query groups by or matches on. */
        public Set<String> labels() {
            Set<String> labels = new TreeSet<>();
            Matcher grouping = GROUPING.matcher(expr);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.strip());
                    }
                }
            }
            Matcher matchers = MATCHERS.matcher(expr);
            while (matchers.find()) {
                Matcher label = MATCHER_LABEL.matcher(matchers.group(1));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
            return labels;
        }
    }

    public static DashboardQueries read() {
        try {
            JsonNode dashboard = new ObjectMapper().readTree(FILE.toFile());
            List<Query> queries = new ArrayList<>();
            collect(dashboard.path("panels"), queries);
            return new DashboardQueries(List.copyOf(queries));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + FILE, e);
        }
    }

    private static void collect(JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    into.add(new Query(
                            panel.path("title").asText(), target.get("expr").asText()));
                }
            }
            // a collapsed row holds its panels
            collect(panel.path("panels"), into);
        }
    }

    /** Every platform series any query reads. */
    public Set<String> series() {
        Set<String> names = new TreeSet<>();
        queries.forEach(query -> names.addAll(query.series()));
        return names;
    }
}
