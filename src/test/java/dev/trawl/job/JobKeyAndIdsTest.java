package dev.trawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobKeyAndIdsTest {

    @Test
    void theKeyIgnoresTheOrderAndRepetitionOfFormats() {
        var a = new JobSpec("http://example.org/", List.of("text", "links"), Priority.NORMAL);
        var b = new JobSpec("http://example.org/", List.of("links", "text", "links"), Priority.HIGH);
        assertThat(JobKey.of(a)).isEqualTo(JobKey.of(b)).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void theKeyChangesWithTheUrlOrTheOutput() {
        var base = new JobSpec("http://example.org/", List.of("text"), Priority.NORMAL);
        assertThat(JobKey.of(base))
                .isNotEqualTo(JobKey.of(new JobSpec("http://example.org/x", List.of("text"), Priority.NORMAL)));
        assertThat(JobKey.of(base))
                .isNotEqualTo(JobKey.of(new JobSpec("http://example.org/", List.of("html"), Priority.NORMAL)));
    }

    @Test
    void aWebhookIsPartOfTheRequestButTheOrderOfItsEventsIsNot() {
        var base = new JobSpec("http://example.org/", List.of("text"), Priority.NORMAL);
        var hooked = base.withWebhook(
                new WebhookSpec("https://hooks.example.org/a", List.of("queued", "succeeded"), java.util.Map.of()));
        assertThat(JobKey.of(base)).isNotEqualTo(JobKey.of(hooked));
        assertThat(JobKey.of(hooked))
                .isEqualTo(JobKey.of(base.withWebhook(new WebhookSpec(
                        "https://hooks.example.org/a", List.of("succeeded", "queued"), java.util.Map.of()))))
                .isNotEqualTo(JobKey.of(base.withWebhook(new WebhookSpec(
                        "https://hooks.example.org/b", List.of("queued", "succeeded"), java.util.Map.of()))));
        // the keys of jobs without a webhook are the ones stored before webhooks existed
        assertThat(JobKey.of(base)).isEqualTo(JobKey.of(base.withWebhook(null)));
    }

    @Test
    void aJobsKeyBelongsToItsOwner() {
        var spec = new JobSpec("http://example.org/", List.of("text"), Priority.NORMAL);
        assertThat(JobKey.ownedBy("key:a", spec))
                .isEqualTo(JobKey.ownedBy("key:a", spec))
                .isNotEqualTo(JobKey.ownedBy("key:b", spec))
                .isNotEqualTo(JobKey.of(spec));
    }

    @Test
    void idsAreVersion7AndOrderedByCreation() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(JobIds.next());
        }
        assertThat(ids).allMatch(id -> id.version() == 7 && id.variant() == 2).doesNotHaveDuplicates();
        long first = ids.get(0).getMostSignificantBits() >>> 16;
        long last = ids.get(ids.size() - 1).getMostSignificantBits() >>> 16;
        assertThat(last).isGreaterThanOrEqualTo(first);
    }

    @Test
    void onlyWellFormedIdsNameAJob() {
        UUID id = JobIds.next();
        assertThat(JobIds.parse(id.toString())).contains(id);
        assertThat(JobIds.parse("not-a-uuid")).isEmpty();
        assertThat(JobIds.parse(null)).isEmpty();
        assertThat(JobIds.parse("1-1-1-1-1")).isEmpty();
    }

    @Test
    void statesKnowWhichAreTerminal() {
        assertThat(JobState.QUEUED.terminal()).isFalse();
        assertThat(JobState.RUNNING.terminal()).isFalse();
        assertThat(JobState.RETRYING.terminal()).isFalse();
        assertThat(List.of(
                        JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.ABORTED, JobState.DUPLICATE))
                .allMatch(JobState::terminal);
        assertThat(JobState.fromWire("retrying")).isEqualTo(JobState.RETRYING);
    }
}
