package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How much a page's extracted output may hold, in characters. Output beyond a bound is cut, and
 * the page names what was cut in {@code truncated} (see docs/api.md).
 */
@ConfigMapping(prefix = "trawl.extract")
public interface ExtractConfig {

    /** Characters of one page's text, markdown, html and selector fields together. */
    @WithDefault("2000000")
    int maxPageChars();

    /** Characters of one selector field (of all its values together, for {@code all}). */
    @WithDefault("100000")
    int maxFieldChars();

    /** Values one {@code all} field keeps. */
    @WithDefault("1000")
    int maxFieldValues();
}
