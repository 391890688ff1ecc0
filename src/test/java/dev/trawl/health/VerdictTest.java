package dev.trawl.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void heapIsUpToItsWarningLevelDegradedAboveItAndDownAboveItsLimit() {
        assertThat(Verdict.ofShareUsed("heap in use", 85.0, 85, 95).level()).isEqualTo(Verdict.Level.UP);
        assertThat(Verdict.ofShareUsed("heap in use", 85.1, 85, 95).level()).isEqualTo(Verdict.Level.DEGRADED);
        assertThat(Verdict.ofShareUsed("heap in use", 95.0, 85, 95).level()).isEqualTo(Verdict.Level.DEGRADED);
        Verdict full = Verdict.ofShareUsed("heap in use", 95.1, 85, 95);
        assertThat(full.level()).isEqualTo(Verdict.Level.DOWN);
        assertThat(full.message()).isEqualTo("heap in use 95.1 %, over the 95 % limit");
    }

    @Test
    void diskIsUpDownToItsWarningLevelDegradedBelowItAndDownBelowItsLimit() {
        assertThat(Verdict.ofShareFree("free on /", 10.0, 10, 5).level()).isEqualTo(Verdict.Level.UP);
        Verdict low = Verdict.ofShareFree("free on /", 9.9, 10, 5);
        assertThat(low.level()).isEqualTo(Verdict.Level.DEGRADED);
        assertThat(low.message()).isEqualTo("free on / 9.9 %, under the 10 % warning level");
        assertThat(Verdict.ofShareFree("free on /", 5.0, 10, 5).level()).isEqualTo(Verdict.Level.DEGRADED);
        assertThat(Verdict.ofShareFree("free on /", 4.9, 10, 5).level()).isEqualTo(Verdict.Level.DOWN);
    }
}
