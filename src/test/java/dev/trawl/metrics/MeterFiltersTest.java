package dev.trawl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class MeterFiltersTest {

    @Test
    void aClientMeterWithoutAMetricsNameGetsOneInsteadOfPrometheusesMPrefix() {
        Meter.Id id = new Meter.Id(".queue.delay", Tags.of("clientType", "redis"), null, null, Meter.Type.TIMER);

        Meter.Id friendly = MeterFilters.prometheusFriendly(id);

        assertThat(friendly.getName()).isEqualTo("vertx.client.queue.delay");
        assertThat(friendly.getTags()).containsExactly(Tag.of("client_type", "redis"));
    }

    @Test
    void camelCaseNamesAndLabelsBecomeSnakeCaseAndValuesAreKept() {
        Meter.Id id = new Meter.Id(
                "ft.timeout.executionDuration",
                Tags.of("clientName", "<default>", "method", "a.B"),
                null,
                null,
                Meter.Type.TIMER);

        Meter.Id friendly = MeterFilters.prometheusFriendly(id);

        assertThat(friendly.getName()).isEqualTo("ft.timeout.execution_duration");
        assertThat(friendly.getTags())
                .containsExactlyInAnyOrder(Tag.of("client_name", "<default>"), Tag.of("method", "a.B"));
    }

    @Test
    void aWellNamedMeterIsLeftAsItIs() {
        Meter.Id id = new Meter.Id("trawl.jobs.finished", Tags.of("outcome", "failed"), null, null, Meter.Type.COUNTER);

        assertThat(MeterFilters.prometheusFriendly(id)).isSameAs(id);
    }
}
