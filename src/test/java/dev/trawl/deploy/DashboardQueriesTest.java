package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.DashboardQueries;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as shipped: every graph panel has a query, every query reads a series of the
 * platform, and the latency panel reads the HTTP histogram's buckets (the series it needs exist:
 * MetricsAfterRealJobsIT checks them against the live /q/metrics).
 */
class DashboardQueriesTest {

    private final DashboardQueries dashboard = DashboardQueries.read();

    @Test
    void everyQueryReadsASeriesOfThePlatform() {
        assertThat(dashboard.queries()).isNotEmpty();
        assertThat(dashboard.queries())
                .allSatisfy(
                        query -> assertThat(query.series()).as(query.panel()).isNotEmpty());
    }

    @Test
    void theLatencyPanelReadsTheHttpHistogramBucketsWithoutTheLongLivedStreams() {
        assertThat(dashboard.queries())
                .filteredOn(query -> query.panel().startsWith("HTTP latency"))
                .singleElement()
                .satisfies(query -> {
                    assertThat(query.series()).containsExactly("http_server_requests_seconds_bucket");
                    assertThat(query.labels()).contains("le", "uri");
                    assertThat(query.expr()).contains("/events").contains("/stream");
                });
    }

    @Test
    void labelsAreReadFromGroupingsAndMatchers() {
        DashboardQueries.Query query = new DashboardQueries.Query(
                "p",
                "sum by (le, uri) (rate(http_server_requests_seconds_bucket{uri!~\"/q/.*\", status=~\"5..\"}[5m]))"
                        + " / on() group_left sum(trawl_jobs_submitted_total)");
        assertThat(query.series()).containsExactly("http_server_requests_seconds_bucket", "trawl_jobs_submitted_total");
        assertThat(query.labels()).containsExactlyInAnyOrder("le", "uri", "status");
    }
}
