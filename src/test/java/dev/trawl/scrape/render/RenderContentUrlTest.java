package dev.trawl.scrape.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a render request goes for a configured base URL. */
class RenderContentUrlTest {

    @Test
    void contentIsAppendedToTheBasePath() {
        assertThat(RenderBackend.contentUrl("http://render-0:3000")).isEqualTo("http://render-0:3000/content");
        assertThat(RenderBackend.contentUrl("http://render-0:3000/")).isEqualTo("http://render-0:3000/content");
        assertThat(RenderBackend.contentUrl("https://gw.example/browserless/"))
                .isEqualTo("https://gw.example/browserless/content");
    }

    @Test
    void aTokenInTheQueryStaysAtTheEnd() {
        assertThat(RenderBackend.contentUrl("http://render-0:3000?token=s3cret"))
                .isEqualTo("http://render-0:3000/content?token=s3cret");
    }

    @Test
    void userInfoBecomesAnAuthorizationHeaderAndLeavesTheUrl() {
        assertThat(RenderBackend.contentUrl("http://trawl:pa55@render-0:3000"))
                .isEqualTo("http://render-0:3000/content");
        assertThat(RenderBackend.basicAuthorization("http://trawl:pa55@render-0:3000", 0))
                .contains("Basic dHJhd2w6cGE1NQ==");
        assertThat(RenderBackend.basicAuthorization("http://render-0:3000?token=s3cret", 0))
                .isEmpty();
    }

    @Test
    void whatMayBeShownOfABackendIsItsHostAndPort() {
        assertThat(RenderBackend.hostOf("http://trawl:pa55@render-0:3000/browserless?token=s3cret", 1))
                .isEqualTo("render-0:3000");
        assertThat(RenderBackend.hostOf("https://gw.example/browserless?token=s3cret", 0))
                .isEqualTo("gw.example");
    }
}
