package dev.trawl.scrape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest {@code size} page outcomes and whether their failure rate crossed the bound. The
 * same rule, {@link #crossed}, is applied by {@code site_health.lua} to a site's outcomes in Redis.
 * Not thread-safe: its owner serialises access.
 */
public final class FailureWindow {

    /** The window at the moment it crossed the bound. */
    public record Trip(int failures, int samples, double maxFailureRate) {

        public double failureRate() {
            return samples == 0 ? 0 : (double) failures / samples;
        }

        public String reason() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d of the last %d pages failed (more than %.0f%%)",
                    failures,
                    samples,
                    maxFailureRate * 100);
        }

        public Map<String, Object> toEvent() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reason", reason());
            data.put("failureRate", Math.round(failureRate() * 1000) / 1000.0);
            data.put("samples", samples);
            return data;
        }
    }

    private final boolean[] failed;
    private final int minSamples;
    private final double maxFailureRate;
    private int next;
    private int samples;
    private int failures;

    public FailureWindow(int size, int minSamples, double maxFailureRate) {
        this.failed = new boolean[Math.max(1, size)];
        this.minSamples = Math.max(1, minSamples);
        this.maxFailureRate = maxFailureRate;
    }

    public static FailureWindow of(AbortConfig config) {
        return new FailureWindow(config.window(), config.minSamples(), config.maxFailureRate());
    }

    /** Adds one outcome, pushing out the oldest once the window is full; the trip if the bound is now crossed. */
    public java.util.Optional<Trip> record(boolean pageFailed) {
        if (samples == failed.length) {
            if (failed[next]) {
                failures--;
            }
        } else {
            samples++;
        }
        failed[next] = pageFailed;
        if (pageFailed) {
            failures++;
        }
        next = (next + 1) % failed.length;
        return crossed(failures, samples, minSamples, maxFailureRate)
                ? java.util.Optional.of(new Trip(failures, samples, maxFailureRate))
                : java.util.Optional.empty();
    }

    /** Integer-safe form of {@code failures / samples > maxFailureRate}, the same in Lua. */
    static boolean crossed(int failures, int samples, int minSamples, double maxFailureRate) {
        return samples >= minSamples && failures > maxFailureRate * samples;
    }
}
