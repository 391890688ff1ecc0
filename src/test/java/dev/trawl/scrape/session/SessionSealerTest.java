package dev.trawl.scrape.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.scrape.site.SiteProfiles;
import dev.trawl.scrape.site.SiteProfilesTest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionSealerTest {

    private static final String COOKIES = "[{\"name\":\"sid\",\"value\":\"s3cr3t-session\"}]";

    private static SessionSealer sealer(byte fill) {
        return new SessionSealer(KeyedSessionsConfig.filledWith(fill), new SiteProfiles(List.of()));
    }

    @Test
    void aSealedSessionHoldsNoCookieInClearAndOpensToWhatWasSealed() {
        SessionSealer sealer = sealer((byte) 1);

        String sealed = sealer.seal("shop", COOKIES);

        assertThat(sealed).startsWith("sealed:v1:").doesNotContain("s3cr3t");
        assertThat(sealer.open("shop", sealed)).isEqualTo(new SessionSealer.Opened.Clear(COOKIES));
        assertThat(sealer.seal("shop", COOKIES)).as("a fresh nonce each time").isNotEqualTo(sealed);
    }

    @Test
    void anotherProfilesSessionAnotherKeyOrAnAlteredValueDoNotOpen() {
        SessionSealer sealer = sealer((byte) 1);
        String sealed = sealer.seal("shop", COOKIES);
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1);

        assertThat(sealer.open("forum", sealed)).isEqualTo(new SessionSealer.Opened.Unreadable());
        assertThat(sealer((byte) 2).open("shop", sealed)).isEqualTo(new SessionSealer.Opened.Unreadable());
        assertThat(sealer.open("shop", altered)).isEqualTo(new SessionSealer.Opened.Unreadable());
        assertThat(sealer.open("shop", "sealed:v1:!!")).isEqualTo(new SessionSealer.Opened.Unreadable());
    }

    @Test
    void aSessionStoredInClearByAnEarlierVersionIsStillRead() {
        assertThat(sealer((byte) 1).open("shop", COOKIES)).isEqualTo(new SessionSealer.Opened.Clear(COOKIES));
    }

    @Test
    void aWorkerWithALoginProfileAndNoKeyDoesNotStart() {
        SiteProfiles loggingIn = SiteProfilesTest.profiles(Map.of(
                "trawl.sites.shop.host-pattern", "shop.example.org",
                "trawl.sites.shop.session.login-url", "https://shop.example.org/login",
                "trawl.sites.shop.session.body", "user=a&password=b"));

        assertThatThrownBy(() -> new SessionSealer(new KeyedSessionsConfig(Optional.empty()), loggingIn))
                .hasMessageContaining("trawl.sessions.encryption-key")
                .hasMessageContaining("[shop]");
        assertThat(new SessionSealer(new KeyedSessionsConfig(Optional.empty()), new SiteProfiles(List.of())))
                .isNotNull();
    }

    @Test
    void aKeyOfTheWrongLengthIsRefusedByName() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() ->
                        new SessionSealer(new KeyedSessionsConfig(Optional.of(shortKey)), new SiteProfiles(List.of())))
                .hasMessageContaining("trawl.sessions.encryption-key must be 32 bytes");
        assertThatThrownBy(() -> new SessionSealer(
                        new KeyedSessionsConfig(Optional.of("not base64!")), new SiteProfiles(List.of())))
                .hasMessageContaining("not base64");
    }
}
