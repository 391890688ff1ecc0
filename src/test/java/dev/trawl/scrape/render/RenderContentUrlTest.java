package dev.trawl.scrape.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a render request goes for a configured base URL. */
class RenderContentUrlTest {

    @Test
    void contentIsAppendedToTheBasePath() {
        assertThat(RenderBackend.contentUrl("http://render-0:3000")).isEqualTo("http://render-0:3000/content");
        assertThat(RenderBackend.contentUrl("http://render-0:3000/")).isEqualTo("http://render-0:3000/content");
        assertThat(RenderBackend.contentUrl("https://gw.example/browserless/")).isEqualTo("https://gw.example/browserless/content");
    }

    @Test
    void aTokenInTheQueryStaysAtTheEnd() {
        assertThat(RenderBackend.contentUrl("http://render-0:3000?token=s3cret")).isEqualTo("http://render-0:3000/content?token=s3cret");
    }
}
