package dev.trawl.scrape.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a login's Set-Cookie headers become the session's cookies, and where each may go. */
class SessionCookiesTest {

    private static final URI LOGIN = URI.create("https://login.shop.example.org/login");

    private static String header(List<String> setCookies) {
        return SiteSession.join(SiteSession.fromSetCookies(setCookies, LOGIN)).orElse("");
    }

    @Test
    void cookiesAreJoinedByNameAndValue() {
        assertThat(header(List.of(
                        "sid=abc; Path=/; HttpOnly; Secure; Expires=Wed, 21 Oct 2099 07:28:00 GMT",
                        "csrf=x=y; SameSite=Lax")))
                .isEqualTo("sid=abc; csrf=x=y");
    }

    @Test
    void aLaterCookieOfTheSameNameWins() {
        assertThat(header(List.of("sid=old", "lang=en", "sid=new"))).isEqualTo("sid=new; lang=en");
    }

    @Test
    void cookiesTheSiteDeletesAreLeftOut() {
        assertThat(header(List.of("sid=abc", "stale=; Max-Age=0", "sid=; Path=/; max-age=-1")))
                .isEmpty();
        assertThat(header(List.of("stale=; Max-Age=0; Path=/", "sid=abc; Max-Age=3600")))
                .isEqualTo("sid=abc");
    }

    @Test
    void malformedHeadersAreIgnored() {
        assertThat(header(List.of("no-equals-sign", "=nameless", "ok=1"))).isEqualTo("ok=1");
    }

    @Test
    void aDomainTheLoginHostIsNotPartOfIsRefused() {
        assertThat(header(List.of("sid=1; Domain=attacker.example", "ok=1; Domain=.Shop.Example.org")))
                .isEqualTo("ok=1");
    }

    @Test
    void secureDomainAndPathDecideWhereACookieGoes() {
        SiteSession session = new SiteSession(
                "shop",
                SiteSession.fromSetCookies(
                        List.of("sid=1; Secure", "region=eu; Domain=shop.example.org", "cart=7; Path=/cart"), LOGIN),
                1);

        assertThat(session.cookieHeaderFor(URI.create("https://www.shop.example.org/cart/items")))
                .contains("sid=1; region=eu; cart=7");
        assertThat(session.cookieHeaderFor(URI.create("http://www.shop.example.org/cart")))
                .contains("region=eu; cart=7");
        assertThat(session.cookieHeaderFor(URI.create("https://shop.example.org/cartoons")))
                .contains("sid=1; region=eu");
        assertThat(session.cookieHeaderFor(URI.create("https://other.example.org/cart")))
                .contains("sid=1; cart=7"); // host-only cookies go wherever the profile does (see SiteCredentials)
        assertThat(session.cookieHeaderFor(URI.create("http://other.example.org/")))
                .isEqualTo(Optional.empty());
    }

    @Test
    void aSessionStoredBeforeCookiesHadAttributesStillReads() {
        assertThat(SiteSession.decode("sid=abc; lang=en"))
                .extracting(SessionCookie::name, SessionCookie::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("sid", "abc"),
                        org.assertj.core.groups.Tuple.tuple("lang", "en"));
        List<SessionCookie> cookies =
                SiteSession.fromSetCookies(List.of("sid=1; Secure; Domain=shop.example.org; Path=/a"), LOGIN);
        assertThat(SiteSession.decode(SiteSession.encode(cookies))).isEqualTo(cookies);
    }
}
