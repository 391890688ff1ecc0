package dev.trawl.job;

import java.util.Locale;

/**
 * The states of a job, stored and shown by their lowercase names. Every change of state is one
 * conditional UPDATE in {@link JobStore}, so a racing or illegal transition is refused.
 */
public enum JobState {
    QUEUED,
    /** Waiting for the time a client asked it to run at ({@code runAt}, {@code delaySeconds}). */
    SCHEDULED,
    RUNNING,
    RETRYING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    ABORTED,
    DUPLICATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public boolean terminal() {
        return this != QUEUED && this != SCHEDULED && this != RUNNING && this != RETRYING;
    }
}
