package dev.trawl.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.trawl.job.CrawlLimits;
import dev.trawl.job.CrawlSpec;
import dev.trawl.job.JobSpec;
import dev.trawl.job.Priority;
import dev.trawl.scrape.CanonicalUrl;
import dev.trawl.scrape.FieldSelector;
import dev.trawl.scrape.SelectorRegexes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jsoup.select.Selector;

/**
 * Turns a validated submission into the job's spec, checking what annotations cannot: the URL's
 * canonical form, that selectors parse and run no regular expression, that patterns compile as RE2
 * (the linear-time engine the crawl matches them with), that the crawl stays within the configured
 * bounds and that only safe headers are forwarded. Each refusal is a 400 naming the member.
 */
@ApplicationScoped
public class SubmissionOptions {

    static final List<String> DEFAULT_FORMATS = List.of("metadata", "markdown", "links");

    /** Headers a job may set on its fetches; the rest are ours to set (Host, Cookie, encodings...). */
    private static final Set<String> FORWARDED_HEADERS = Set.of(
            "accept",
            "accept-language",
            "cache-control",
            "pragma",
            "referer",
            "if-none-match",
            "if-modified-since",
            "dnt");

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final CrawlLimits limits;

    public SubmissionOptions(CrawlLimits limits) {
        this.limits = limits;
    }

    public JobSpec toSpec(JobSubmission s) {
        String url = CanonicalUrl.of(s.url())
                .orElseThrow(() -> ProblemException.badRequest("url", "url: is not a valid http or https URL"));
        List<String> formats = s.formats() == null || s.formats().isEmpty()
                ? DEFAULT_FORMATS
                : s.formats().stream().distinct().toList();
        return new JobSpec(
                        url,
                        formats,
                        s.priority() == null ? Priority.NORMAL : Priority.fromWire(s.priority()),
                        selectors(s.selectors()),
                        crawl(s.crawl()),
                        headers(s.headers()),
                        s.timeoutSeconds(),
                        s.respectRobots() == null || s.respectRobots(),
                        Boolean.TRUE.equals(s.render()),
                        s.maxAttempts())
                .withWebhook(s.webhook() == null ? null : WebhookOptionsCheck.toSpec(s.webhook()));
    }

    private static Map<String, FieldSelector> selectors(Map<String, JsonNode> requested) {
        Map<String, FieldSelector> selectors = new LinkedHashMap<>();
        if (requested == null) {
            return selectors;
        }
        requested.forEach((name, node) -> {
            String field = "selectors." + name;
            if (!HEADER_NAME.matcher(name).matches() && !name.matches("[A-Za-z0-9_]{1,64}")) {
                throw ProblemException.badRequest(field, field + ": names are letters, digits, '_' and '-'");
            }
            FieldSelector selector;
            if (node != null && node.isTextual()) {
                selector = new FieldSelector(node.asText(), null, false);
            } else if (node != null && node.isObject() && node.path("selector").isTextual()) {
                JsonNode attr = node.path("attr");
                JsonNode all = node.path("all");
                if (!attr.isMissingNode() && !attr.isTextual() || !all.isMissingNode() && !all.isBoolean()) {
                    throw ProblemException.badRequest(field, field + ": attr is a string and all a boolean");
                }
                selector = new FieldSelector(
                        node.get("selector").asText(), attr.isTextual() ? attr.asText() : null, all.asBoolean(false));
            } else {
                throw ProblemException.badRequest(
                        field,
                        field + ": is a CSS selector or {\"selector\": \"...\", \"attr\": \"...\", \"all\": true}");
            }
            Optional<String> regex;
            try {
                regex = SelectorRegexes.find(selector.selector());
            } catch (Selector.SelectorParseException | IllegalArgumentException e) {
                throw ProblemException.badRequest(field, field + ": is not a valid CSS selector: " + e.getMessage());
            }
            regex.ifPresent(part -> {
                throw ProblemException.badRequest(
                        field,
                        field + ": uses " + part
                                + ", which runs a regular expression over the page; regular-expression selectors are not"
                                + " supported (:contains and :containsOwn match text)");
            });
            selectors.put(name, selector);
        });
        return selectors;
    }

    private CrawlSpec crawl(JobSubmission.CrawlOptions crawl) {
        if (crawl == null) {
            return CrawlSpec.SINGLE_PAGE;
        }
        int maxPages = crawl.maxPages() == null ? 1 : crawl.maxPages();
        int maxDepth = crawl.maxDepth() == null ? (maxPages > 1 ? 1 : 0) : crawl.maxDepth();
        if (maxPages > limits.maxPages()) {
            throw ProblemException.badRequest("crawl.maxPages", "crawl.maxPages: must be at most " + limits.maxPages());
        }
        if (maxDepth > limits.maxDepth()) {
            throw ProblemException.badRequest("crawl.maxDepth", "crawl.maxDepth: must be at most " + limits.maxDepth());
        }
        compile("crawl.include", crawl.include());
        compile("crawl.exclude", crawl.exclude());
        return new CrawlSpec(
                maxPages,
                maxDepth,
                crawl.include(),
                crawl.exclude(),
                crawl.sameSite() == null || crawl.sameSite(),
                Boolean.TRUE.equals(crawl.sitemaps()));
    }

    private static void compile(String field, List<String> patterns) {
        if (patterns == null) {
            return;
        }
        for (int i = 0; i < patterns.size(); i++) {
            try {
                Pattern.compile(patterns.get(i));
            } catch (PatternSyntaxException e) {
                String at = field + "[" + i + "]";
                throw ProblemException.badRequest(
                        at,
                        at + ": is not a valid RE2 regular expression (no backreferences" + " or lookaround): "
                                + e.getDescription());
            }
        }
    }

    private static Map<String, String> headers(Map<String, String> requested) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (requested == null) {
            return headers;
        }
        requested.forEach((name, value) -> {
            String field = "headers." + name;
            String lower = name.toLowerCase(Locale.ROOT);
            boolean custom = lower.startsWith("x-") && !lower.startsWith("x-forwarded") && !lower.equals("x-real-ip");
            if (!HEADER_NAME.matcher(name).matches() || !(FORWARDED_HEADERS.contains(lower) || custom)) {
                throw ProblemException.badRequest(
                        field, field + ": may not be set; allowed are " + FORWARDED_HEADERS + " and X- headers");
            }
            if (value == null
                    || value.length() > 1024
                    || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw ProblemException.badRequest(field, field + ": must be a single line of at most 1024 characters");
            }
            headers.put(name, value);
        });
        return headers;
    }
}
