package dev.trawl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.job.JobFilter;
import dev.trawl.job.JobState;
import dev.trawl.job.Priority;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobFiltersTest {

    private static String fieldOf(Throwable thrown) {
        return ((ProblemException) thrown).problem().field();
    }

    @Test
    void blankParametersFilterNothing() {
        JobFilter filter = JobFilters.of(Optional.empty(), "", null, " ", null, "");
        assertThat(filter).isEqualTo(JobFilter.everything());
    }

    @Test
    void namesAndTimesAreReadInAnyCaseAndWithAnyOffset() {
        JobFilter filter = JobFilters.of(
                Optional.of("key:1"), "FAILED", "High", "2026-11-23T14:50:00+01:00", "2026-11-24T00:00:00Z", null);
        assertThat(filter.state()).contains(JobState.FAILED);
        assertThat(filter.priority()).contains(Priority.HIGH);
        assertThat(filter.since()).contains(Instant.parse("2026-11-23T13:50:00Z"));
        assertThat(filter.owner()).contains("key:1");
    }

    @Test
    void eachMalformedParameterIsRefusedByName() {
        assertThatThrownBy(() -> JobFilters.of(Optional.empty(), "done", null, null, null, null))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("state"));
        assertThatThrownBy(() -> JobFilters.of(Optional.empty(), null, "urgent", null, null, null))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("priority"));
        assertThatThrownBy(() -> JobFilters.of(Optional.empty(), null, null, "+300000-01-01T00:00:00Z", null, null))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("since"));
        assertThatThrownBy(() -> JobFilters.of(Optional.empty(), null, null, null, "2026-11-23", null))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("until"));
        assertThatThrownBy(() -> JobFilters.of(Optional.empty(), null, null, null, null, "0193"))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("cursor"));
        assertThatThrownBy(() -> JobFilters.of(
                        Optional.empty(), null, null, "2026-11-24T00:00:00Z", "2026-11-23T00:00:00Z", null))
                .satisfies(e -> assertThat(fieldOf(e)).isEqualTo("until"));
    }
}
