package dev.trawl.scrape.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which profile a host gets, and how the {@code trawl.sites.*} properties read. No Quarkus boot. */
public class SiteProfilesTest {

    public static SiteProfiles profiles(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SiteProfilesConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus's "30M" form
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new SiteProfiles(config.getConfigMapping(SiteProfilesConfig.class));
    }

    private static final SiteProfiles SITES = profiles(Map.of(
            "trawl.sites.org-wide.host-pattern", "*.example.org",
            "trawl.sites.shop.host-pattern", "*.shop.example.org",
            "trawl.sites.front.host-pattern", "www.shop.example.org",
            "trawl.sites.apex.host-pattern", "example.org",
            "trawl.sites.mirrors.host-pattern", "mirror-?.example.net"));

    private static String profileFor(String host) {
        return SITES.forHost(host).map(SiteProfile::name).orElse(null);
    }

    @Test
    void anExactPatternMatchesOnlyThatHostIgnoringCaseAndTrailingDot() {
        assertThat(profileFor("example.org")).isEqualTo("apex");
        assertThat(profileFor("EXAMPLE.org.")).isEqualTo("apex");
        assertThat(profileFor("example.org.evil.com")).isNull();
        assertThat(profileFor("notexample.org")).isNull();
    }

    @Test
    void aStarCoversAnySubdomainButNotTheDomainItself() {
        assertThat(profileFor("news.example.org")).isEqualTo("org-wide");
        assertThat(profileFor("a.b.example.org")).isEqualTo("org-wide");
        assertThat(profileFor("example.org.attacker.net")).isNull();
        assertThat(profileFor("badexample.org")).isNull();
    }

    @Test
    void theMostSpecificPatternWins() {
        assertThat(profileFor("www.shop.example.org")).isEqualTo("front");
        assertThat(profileFor("cdn.shop.example.org")).isEqualTo("shop");
        assertThat(profileFor("shop.example.org")).isEqualTo("org-wide");
    }

    @Test
    void aQuestionMarkIsExactlyOneCharacter() {
        assertThat(profileFor("mirror-1.example.net")).isEqualTo("mirrors");
        assertThat(profileFor("mirror-12.example.net")).isNull();
        assertThat(profileFor("mirror-.example.net")).isNull();
    }

    @Test
    void dotsInAPatternAreLiteral() {
        assertThat(profileFor("newsXexample.org")).isNull();
        assertThat(HostPattern.parse("a.b").matches("axb")).isFalse();
    }

    @Test
    void unknownHostsHaveNoProfile() {
        assertThat(profileFor("example.com")).isNull();
        assertThat(SITES.forHost(null)).isEmpty();
    }

    @Test
    void aFullProfileReadsHeadersPolitenessRenderAndSessionWithDefaults() {
        SiteProfiles sites = profiles(Map.of(
                "trawl.sites.shop.host-pattern", "shop.example.org",
                "trawl.sites.shop.headers.Accept-Language", "en-GB",
                "trawl.sites.shop.headers.X-Api-Key", "k1",
                "trawl.sites.shop.max-concurrency", "2",
                "trawl.sites.shop.min-delay", "1S",
                "trawl.sites.shop.render", "true",
                "trawl.sites.shop.session.login-url", "https://shop.example.org/login",
                "trawl.sites.shop.session.body", "user=a&password=b"));

        SiteProfile shop = sites.forHost("shop.example.org").orElseThrow();
        assertThat(shop.headers())
                .containsExactlyInAnyOrderEntriesOf(Map.of("Accept-Language", "en-GB", "X-Api-Key", "k1"));
        assertThat(shop.maxConcurrency()).hasValue(2);
        assertThat(shop.minDelay()).contains(Duration.ofSeconds(1));
        assertThat(shop.render()).isTrue();
        SessionSettings session = shop.session().orElseThrow();
        assertThat(session.loginUrl()).isEqualTo("https://shop.example.org/login");
        assertThat(session.method()).isEqualTo("POST");
        assertThat(session.body()).contains("user=a&password=b");
        assertThat(session.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(session.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(session.renewBefore()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aMinimalProfileHasNoHeadersNoOverridesNoRenderAndNoSession() {
        SiteProfile plain = profiles(Map.of("trawl.sites.plain.host-pattern", "plain.example.org"))
                .named("plain")
                .orElseThrow();
        assertThat(plain.headers()).isEmpty();
        assertThat(plain.maxConcurrency()).isEmpty();
        assertThat(plain.minDelay()).isEqualTo(Optional.empty());
        assertThat(plain.render()).isFalse();
        assertThat(plain.session()).isEmpty();
    }

    @Test
    void noProfilesConfiguredIsFine() {
        assertThat(profiles(Map.of()).forHost("example.org")).isEmpty();
    }

    @Test
    void aSessionThatWouldRenewBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> profiles(Map.of(
                        "trawl.sites.bad.host-pattern", "bad.example.org",
                        "trawl.sites.bad.session.login-url", "https://bad.example.org/login",
                        "trawl.sites.bad.session.ttl", "5M")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renew-before (PT5M) must be shorter than the ttl (PT5M)");
    }

    @Test
    void aLoginUrlMustBeAnAbsoluteHttpUrl() {
        assertThatThrownBy(() -> profiles(Map.of(
                        "trawl.sites.bad.host-pattern", "bad.example.org",
                        "trawl.sites.bad.session.login-url", "/login")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute http(s) URL");
    }
}
