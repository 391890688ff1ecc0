package dev.trawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.jackson.DatabindCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The crawl spec as the job's stored request holds it (read back by workers of this release and the one before). */
class CrawlSpecJsonTest {

    private final ObjectMapper mapper = DatabindCodec.mapper();

    @Test
    void aCrawlWithoutSitemapsIsStoredExactlyAsBeforeSitemapsExisted() throws Exception {
        String json = mapper.writeValueAsString(new CrawlSpec(10, 2, List.of("/docs/"), List.of(), true));

        assertThat(json).doesNotContain("sitemaps");
        assertThat(mapper.readValue(json, CrawlSpec.class).sitemaps()).isFalse();
    }

    @Test
    void aCrawlWithSitemapsReadsBackWithThem() throws Exception {
        CrawlSpec spec = new CrawlSpec(10, 2, List.of(), List.of("\\.pdf$"), false, true);

        assertThat(mapper.readValue(mapper.writeValueAsString(spec), CrawlSpec.class))
                .isEqualTo(spec);
    }

    @Test
    void aRequestStoredByTheReleaseBeforeReadsAsACrawlWithoutSitemaps() throws Exception {
        String stored = "{\"maxPages\":5,\"maxDepth\":1,\"include\":[],\"exclude\":[],\"sameSite\":true}";

        assertThat(mapper.readValue(stored, CrawlSpec.class))
                .isEqualTo(new CrawlSpec(5, 1, List.of(), List.of(), true));
    }
}
