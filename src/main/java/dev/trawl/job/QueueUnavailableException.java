package dev.trawl.job;

/** The job could not be put on the queue; it was failed at once so nobody waits on it. */
public class QueueUnavailableException extends RuntimeException {

    private final transient java.util.UUID jobId;

    public QueueUnavailableException(java.util.UUID jobId, Throwable cause) {
        super("The job queue is unavailable: " + cause.getMessage(), cause);
        this.jobId = jobId;
    }

    public java.util.UUID jobId() {
        return jobId;
    }
}
