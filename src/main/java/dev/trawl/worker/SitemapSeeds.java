package dev.trawl.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reading a crawl's sitemaps found: the page URLs (canonical, de-duplicated, in the order the
 * sitemaps list them), how many sitemap files were read, those left unread because a bound was
 * reached, whether the URLs were cut to their bound, and each sitemap that could not be read.
 */
record SitemapSeeds(
        List<String> urls, int sitemapsRead, int sitemapsNotRead, boolean urlsCapped, List<Problem> problems) {

    /** A sitemap that could not be read, and why: a fetch's error code or {@code sitemap-unreadable}. */
    record Problem(String url, String code, String message) {}

    SitemapSeeds {
        urls = List.copyOf(urls);
        problems = List.copyOf(problems);
    }

    /** Discovery itself failed (not one sitemap): the crawl goes on with its links alone. */
    static SitemapSeeds failed(String message) {
        return new SitemapSeeds(List.of(), 0, 0, false, List.of(new Problem(null, "sitemaps-failed", message)));
    }

    /** The data of the {@code sitemaps} event; {@code queued} is how many URLs the frontier took. */
    Map<String, Object> toEvent(int queued) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sitemapsRead", sitemapsRead);
        if (sitemapsNotRead > 0) {
            data.put("sitemapsNotRead", sitemapsNotRead);
        }
        data.put("urls", urls.size());
        if (urlsCapped) {
            data.put("urlsCapped", true);
        }
        data.put("queued", queued);
        if (!problems.isEmpty()) {
            data.put(
                    "errors",
                    problems.stream()
                            .map(p -> {
                                Map<String, Object> error = new LinkedHashMap<>();
                                if (p.url() != null) {
                                    error.put("url", p.url());
                                }
                                error.put("code", p.code());
                                error.put("message", p.message());
                                return error;
                            })
                            .toList());
        }
        return data;
    }
}
