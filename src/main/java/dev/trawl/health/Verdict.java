package dev.trawl.health;

/** What one readiness component found: its level and a sentence an operator can act on. */
public record Verdict(Level level, String message) {

    public enum Level {
        /** Working as it should. */
        UP,
        /** Working, with a problem worth a look: the pod stays ready. */
        DEGRADED,
        /** Not working: the pod is not ready. */
        DOWN
    }

    public static Verdict up(String message) {
        return new Verdict(Level.UP, message);
    }

    public static Verdict degraded(String message) {
        return new Verdict(Level.DEGRADED, message);
    }

    public static Verdict down(String message) {
        return new Verdict(Level.DOWN, message);
    }

    /**
     * How a share in use compares with two thresholds in percent, e.g. the heap's.
     *
     * @param what names the share in the message, e.g. "heap in use"
     */
    public static Verdict ofShareUsed(String what, double percent, double warnAbove, double failAbove) {
        String reading = String.format(java.util.Locale.ROOT, "%s %.1f %%", what, percent);
        if (percent > failAbove) {
            return down(reading + String.format(java.util.Locale.ROOT, ", over the %.0f %% limit", failAbove));
        }
        if (percent > warnAbove) {
            return degraded(
                    reading + String.format(java.util.Locale.ROOT, ", over the %.0f %% warning level", warnAbove));
        }
        return up(reading);
    }

    /** How a share left free compares with two thresholds in percent, e.g. the disk's. */
    public static Verdict ofShareFree(String what, double percent, double warnBelow, double failBelow) {
        String reading = String.format(java.util.Locale.ROOT, "%s %.1f %%", what, percent);
        if (percent < failBelow) {
            return down(reading + String.format(java.util.Locale.ROOT, ", under the %.0f %% limit", failBelow));
        }
        if (percent < warnBelow) {
            return degraded(
                    reading + String.format(java.util.Locale.ROOT, ", under the %.0f %% warning level", warnBelow));
        }
        return up(reading);
    }
}
