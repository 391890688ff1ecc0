package dev.trawl.job;

/**
 * The log-context (MDC) keys of what is done for a job, shared by the API, which logs while it
 * accepts a job, and the worker, which runs it; the JSON log's fields and the text format's
 * {@code %X{...}} use these names.
 */
public final class JobLogKeys {

    /** The job's id. */
    public static final String JOB_ID = "jobId";

    /** The W3C trace id the job was submitted with ({@code traceparent}), where one was given. */
    public static final String TRACE_ID = "traceId";

    private JobLogKeys() {}
}
