package dev.trawl.scrape.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.scrape.site.HostPattern;
import dev.trawl.scrape.site.SiteProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Which of a job's headers each hop and a render backend are given. */
class SiteCredentialsTest {

    private static final URI LOGIN = URI.create("https://www.shop.example.org/login");
    private static final SiteSession SESSION =
            new SiteSession("shop", SiteSession.fromSetCookies(List.of("sid=s3cret; Path=/"), LOGIN), 1);

    private static SiteProfile shop(boolean renderCredentials) {
        return new SiteProfile(
                "shop",
                HostPattern.parse("*.shop.example.org"),
                Map.of("X-Api-Key", "k3y"),
                OptionalInt.empty(),
                Optional.empty(),
                true,
                renderCredentials,
                Optional.empty());
    }

    private static SiteCredentials credentials(boolean renderCredentials) {
        return new SiteCredentials(Map.of("X-Job", "mine"), Optional.of(shop(renderCredentials)), Optional.of(SESSION));
    }

    @Test
    void hostsTheProfileCoversGetItsHeadersAndCookie() {
        assertThat(credentials(false).forHop(URI.create("https://cdn.shop.example.org/a")))
                .containsEntry("X-Api-Key", "k3y")
                .containsEntry("Cookie", "sid=s3cret")
                .containsEntry("X-Job", "mine");
    }

    @Test
    void anyOtherHostGetsOnlyTheJobsOwnHeaders() {
        assertThat(credentials(false).forHop(URI.create("https://evil.example.net/steal")))
                .containsExactlyEntriesOf(Map.of("X-Job", "mine"));
        assertThat(credentials(false).forHop(URI.create("https://shop.example.org.evil.net/")))
                .containsExactlyEntriesOf(Map.of("X-Job", "mine"));
    }

    @Test
    void aRenderBackendGetsTheProfilesCredentialsOnlyIfTheProfileSaysSo() {
        URI target = URI.create("https://www.shop.example.org/app");
        assertThat(credentials(false).forRender(target)).containsExactlyEntriesOf(Map.of("X-Job", "mine"));
        assertThat(credentials(true).forRender(target))
                .containsEntry("X-Api-Key", "k3y")
                .containsEntry("Cookie", "sid=s3cret");
    }
}
