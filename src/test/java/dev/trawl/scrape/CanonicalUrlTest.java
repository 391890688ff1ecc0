package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalUrlTest {

    @ParameterizedTest
    @CsvSource({
        "HTTP://Example.ORG/a/b, http://example.org/a/b",
        "http://example.org:80/x, http://example.org/x",
        "https://example.org:443/x, https://example.org/x",
        "http://example.org/a/./b/../c, http://example.org/a/c",
        "http://example.org/page#section, http://example.org/page",
        "http://example.org, http://example.org/",
    })
    void normalisesEquivalentSpellings(String input, String canonical) {
        assertThat(CanonicalUrl.of(input)).contains(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://example.org/f",
                "mailto:a@example.org",
                "javascript:alert(1)",
                "http://",
                "/relative",
                "not a url",
                ""
            })
    void rejectsWhatIsNotAnAbsoluteHttpUrl(String input) {
        assertThat(CanonicalUrl.of(input)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "http://example.org/p?utm_source=x&id=3&utm_medium=y, http://example.org/p?id=3",
        "http://example.org/p?gclid=abc, http://example.org/p",
        "http://example.org/p?fbclid=1&a=1&b=2, http://example.org/p?a=1&b=2",
        "http://example.org/p?utmost=1, http://example.org/p?utmost=1",
    })
    void trackingParametersCanBeDropped(String input, String expected) {
        assertThat(CanonicalUrl.withoutTracking(input)).contains(expected);
    }
}
