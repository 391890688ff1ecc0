package dev.trawl.scrape.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a login's Set-Cookie headers become the Cookie header of the session. */
class SessionCookiesTest {

    @Test
    void attributesAreDroppedAndCookiesJoined() {
        assertThat(SessionLogin.cookieHeader(List.of(
                "sid=abc; Path=/; HttpOnly; Secure; Expires=Wed, 21 Oct 2099 07:28:00 GMT",
                "csrf=x=y; SameSite=Lax")))
                .isEqualTo("sid=abc; csrf=x=y");
    }

    @Test
    void aLaterCookieOfTheSameNameWins() {
        assertThat(SessionLogin.cookieHeader(List.of("sid=old", "lang=en", "sid=new"))).isEqualTo("sid=new; lang=en");
    }

    @Test
    void cookiesTheSiteDeletesAreLeftOut() {
        assertThat(SessionLogin.cookieHeader(List.of("sid=abc", "stale=; Max-Age=0", "sid=; Path=/; max-age=-1")))
                .isEmpty();
        assertThat(SessionLogin.cookieHeader(List.of("stale=; Max-Age=0; Path=/", "sid=abc; Max-Age=3600")))
                .isEqualTo("sid=abc");
    }

    @Test
    void malformedHeadersAreIgnored() {
        assertThat(SessionLogin.cookieHeader(List.of("no-equals-sign", "=nameless", "ok=1"))).isEqualTo("ok=1");
    }
}
