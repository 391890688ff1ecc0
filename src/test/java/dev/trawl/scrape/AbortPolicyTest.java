package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sliding window of page outcomes behind the abort policy. */
class AbortPolicyTest {

    private static int firstTripAt(FailureWindow window, boolean... outcomes) {
        for (int i = 0; i < outcomes.length; i++) {
            if (window.record(outcomes[i]).isPresent()) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void triggersExactlyWhenTheRateCrossesTheBoundWithEnoughSamples() {
        FailureWindow window = new FailureWindow(50, 20, 0.5);
        for (int i = 0; i < 19; i++) {
            assertThat(window.record(true)).as("sample %d", i + 1).isEmpty();
        }
        Optional<FailureWindow.Trip> trip = window.record(true);
        assertThat(trip).isPresent();
        assertThat(trip.get().samples()).isEqualTo(20);
        assertThat(trip.get().failureRate()).isEqualTo(1.0);
        assertThat(trip.get().toEvent()).containsKeys("reason", "failureRate", "samples");
    }

    @Test
    void aRateAtTheBoundIsNotOverIt() {
        FailureWindow window = new FailureWindow(50, 20, 0.5);
        boolean[] alternating = new boolean[40];
        for (int i = 0; i < alternating.length; i++) {
            alternating[i] = i % 2 == 1;
        }
        // 10 of 20, 20 of 40: never more than half
        assertThat(firstTripAt(window, alternating)).isEqualTo(-1);
        assertThat(window.record(true)).isPresent(); // 21 of 41
    }

    @Test
    void isolatedFailuresNeverTrigger() {
        FailureWindow window = new FailureWindow(50, 20, 0.5);
        boolean[] mostlyFine = new boolean[500];
        for (int i = 0; i < mostlyFine.length; i++) {
            mostlyFine[i] = i % 7 == 0;
        }
        assertThat(firstTripAt(window, mostlyFine)).isEqualTo(-1);
    }

    @Test
    void failuresBelowTheMinimumSamplesNeverTrigger() {
        FailureWindow window = new FailureWindow(50, 20, 0.5);
        assertThat(firstTripAt(window, new boolean[] {true, true, true, true, true}))
                .isEqualTo(-1);
    }

    @Test
    void oldOutcomesLeaveTheWindow() {
        FailureWindow window = new FailureWindow(10, 10, 0.5);
        // five failures, then only successes: the failures slide out and a later burst starts from a clean slate
        assertThat(firstTripAt(window, true, true, true, true, true, false, false, false, false, false))
                .isEqualTo(-1);
        assertThat(firstTripAt(window, false, false, false, false, false)).isEqualTo(-1);
        // window now 10 successes; it takes 6 failures in the last 10 to cross
        assertThat(firstTripAt(window, true, true, true, true, true, true)).isEqualTo(6);
    }
}
