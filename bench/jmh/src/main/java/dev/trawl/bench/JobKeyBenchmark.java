package dev.trawl.bench;

import dev.trawl.job.CrawlSpec;
import dev.trawl.job.JobKey;
import dev.trawl.job.JobSpec;
import dev.trawl.job.Priority;
import dev.trawl.scrape.FieldSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code JobKey.of(JobSpec)}: the SHA-256 over the canonical request that every submit computes
 * on the event loop (issue 4: "computed in well under a millisecond"). The spec is built once;
 * the key is derived from scratch on every call, as a submit does.
 *
 * <ul>
 * <li>{@code single-page}: what most clients send, a URL and the default formats.
 * <li>{@code large-crawl}: a crawl with all five formats, 20 field selectors, 10 headers and 10
 *     include and 10 exclude patterns: a big but ordinary request.
 * <li>{@code largest-allowed}: about the most the API lets through: a 2048-character URL, 50
 *     selectors of about 90 characters, 20 headers of 1024 characters and 20 include and 20 exclude
 *     patterns of about 490 characters (about 55 KB of JSON; the body limit is 64 KB).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class JobKeyBenchmark {

    @Param({"single-page", "large-crawl", "largest-allowed"})
    public String request;

    private JobSpec spec;

    @Setup
    public void setUp() {
        spec = switch (request) {
            case "single-page" -> singlePage();
            case "large-crawl" -> largeCrawl();
            case "largest-allowed" -> largestAllowed();
            default -> throw new IllegalArgumentException(request);
        };
    }

    @Benchmark
    public String jobKey() {
        return JobKey.of(spec);
    }

    /** As SubmissionOptions leaves a bare {@code {"url": ...}} submit: canonical URL, default formats. */
    static JobSpec singlePage() {
        return new JobSpec("https://www.example.com/products/garden/hose-reel?id=48213&colour=green",
                List.of("metadata", "markdown", "links"), Priority.NORMAL);
    }

    static JobSpec largeCrawl() {
        Map<String, FieldSelector> selectors = new LinkedHashMap<>();
        String[] fields = {"title", "price", "currency", "sku", "brand", "rating", "reviews", "availability",
            "description", "image", "breadcrumbs", "category", "seller", "shipping", "returns", "warranty",
            "dimensions", "weight", "colour", "material"};
        for (int i = 0; i < fields.length; i++) {
            selectors.put(fields[i], new FieldSelector("main .product-detail [data-field='" + fields[i] + "'] > span",
                    i % 3 == 0 ? "content" : null, i % 4 == 0));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept-Language", "en-GB,en;q=0.9,de;q=0.7");
        headers.put("X-Device", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36");
        headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        headers.put("X-Session", "session=3f1c2a9b7e6d4c5b8a7f6e5d4c3b2a19; region=eu-west; consent=analytics:no,ads:no");
        headers.put("Referer", "https://www.example.com/");
        headers.put("Cache-Control", "no-cache");
        headers.put("Pragma", "no-cache");
        headers.put("DNT", "1");
        headers.put("X-Client", "trawl-bench");
        headers.put("X-Tenant", "garden-retail-eu");
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            include.add("^https://www\\.example\\.com/products/category-" + i + "/[a-z0-9-]+(\\?id=\\d+)?$");
            exclude.add("^https://www\\.example\\.com/(cart|account|checkout|search)/section-" + i + "/.*");
        }
        return new JobSpec("https://www.example.com/products/garden/", List.of("metadata", "text", "markdown", "links", "html"),
                Priority.NORMAL, selectors, new CrawlSpec(5000, 10, include, exclude, true), headers, 30, true, false, 5);
    }

    static JobSpec largestAllowed() {
        Map<String, FieldSelector> selectors = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            selectors.put("field_" + i, new FieldSelector("body > main div.content:nth-of-type(" + i
                    + ") section[data-kind='detail'] ul li a[href*='/item/']", "href", true));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            headers.put("X-Header-" + i, "v".repeat(1024));
        }
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            include.add(String.format("^https://www\\.example\\.com/in/%02d/", i) + "a".repeat(460));
            exclude.add(String.format("^https://www\\.example\\.com/ex/%02d/", i) + "b".repeat(460));
        }
        String url = "https://www.example.com/" + "p".repeat(2048 - "https://www.example.com/".length());
        return new JobSpec(url, List.of("metadata", "text", "markdown", "links", "html"), Priority.NORMAL, selectors,
                new CrawlSpec(10000, 20, include, exclude, false), headers, 300, true, true, 10);
    }
}
