package dev.trawl.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of /q/metrics, read as an SRE's query would read it. */
public record PrometheusText(String text) {

    /** The text format promtool reads (Prometheus itself asks for OpenMetrics, the same series). */
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern LABEL_NAME = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    public static PrometheusText scrape() {
        return new PrometheusText(given().accept(TEXT_FORMAT)
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /**
     * The sum of every sample whose name and labels start with {@code series} (a name, or a name
     * and the first labels as written, e.g. {@code trawl_jobs_finished_total{outcome="failed"}}); 0 if none.
     */
    public double sum(String series) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (matches(sample, series)) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    /** Whether any sample matches {@code series}, as for {@link #sum}. */
    public boolean has(String series) {
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (matches(sample, series)) {
                return true;
            }
        }
        return false;
    }

    /** The finite upper bounds ({@code le}) of a histogram's buckets, in ascending order. */
    public List<Double> bucketBounds(String histogram) {
        Matcher le = Pattern.compile("(?m)^" + Pattern.quote(histogram + "_bucket") + "\\{.*le=\"([^\"]+)\"")
                .matcher(text);
        Set<Double> bounds = new TreeSet<>();
        while (le.find()) {
            if (!le.group(1).equals("+Inf")) {
                bounds.add(Double.parseDouble(le.group(1)));
            }
        }
        return List.copyOf(bounds);
    }

    public Set<String> familyNames() {
        Set<String> names = new TreeSet<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }

    /** The label names any sample called {@code name} carries (e.g. {@code le} on a {@code _bucket}). */
    public Set<String> labelNames(String name) {
        Set<String> labels = new TreeSet<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (sample.group(1).equals(name) && sample.group(2) != null) {
                Matcher label = LABEL_NAME.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return labels;
    }

    private static boolean matches(Matcher sample, String series) {
        String name = sample.group(1);
        String labels = sample.group(2) == null ? "" : sample.group(2);
        int brace = series.indexOf('{');
        if (brace < 0) {
            return name.equals(series);
        }
        // the text format may end a label set with a comma: {outcome="failed",}
        String first = series.endsWith("}") ? series.substring(brace, series.length() - 1) : series.substring(brace);
        return name.equals(series.substring(0, brace)) && labels.startsWith(first);
    }
}
