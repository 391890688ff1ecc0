package dev.trawl.scrape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a fetch failed. {@code transientFailure} says whether trying again later may succeed
 * (timeouts, resets, 408, 429, 500, 502-504) or not (other 4xx, 501, 505, refused address,
 * oversize, redirect loop).
 */
public class FetchFailure extends RuntimeException {

    private final String code;
    private final boolean transientFailure;
    private final Integer statusCode;
    private final String retryAfter;

    public FetchFailure(String code, boolean transientFailure, Integer statusCode, String message) {
        this(code, transientFailure, statusCode, message, null);
    }

    private FetchFailure(String code, boolean transientFailure, Integer statusCode, String message, String retryAfter) {
        super(message);
        this.code = code;
        this.transientFailure = transientFailure;
        this.statusCode = statusCode;
        this.retryAfter = retryAfter;
    }

    public static FetchFailure permanent(String code, String message) {
        return new FetchFailure(code, false, null, message);
    }

    public static FetchFailure transientFailure(String code, String message) {
        return new FetchFailure(code, true, null, message);
    }

    public static FetchFailure httpStatus(int status) {
        return httpStatus(status, null);
    }

    /**
     * An answer with an error status. 408 and 500 say the server failed this time (a request it
     * gave up waiting for, an error it hit), so they are retried like 429 and 502-504; 501 and 505
     * say it never will serve this request (a method or protocol version it does not implement).
     *
     * @param retryAfter the raw Retry-After header of the answer, if any
     */
    public static FetchFailure httpStatus(int status, String retryAfter) {
        boolean retriable =
                status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        return new FetchFailure("http-" + status, retriable, status, "The site answered HTTP " + status, retryAfter);
    }

    /** The Retry-After header the site sent with this answer, unparsed. */
    public java.util.Optional<String> retryAfter() {
        return java.util.Optional.ofNullable(retryAfter);
    }

    /** The site refused our credentials: a session may have expired. */
    public boolean unauthorised() {
        return statusCode != null && (statusCode == 401 || statusCode == 403);
    }

    /** The site did not answer within the time the fetch allowed. */
    public boolean timedOut() {
        return "timeout".equals(code);
    }

    public String code() {
        return code;
    }

    public Integer statusCode() {
        return statusCode;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** The job's {@code error} as stored and shown. */
    public Map<String, Object> toError() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("transient", transientFailure);
        error.put("message", getMessage());
        if (statusCode != null) {
            error.put("statusCode", statusCode);
        }
        return error;
    }
}
