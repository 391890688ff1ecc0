package dev.trawl.scrape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a fetch failed. {@code transientFailure} says whether trying again later may succeed
 * (timeouts, resets, 429, 502-504) or not (other 4xx, refused address, oversize, redirect loop).
 */
public class FetchFailure extends RuntimeException {

    private final String code;
    private final boolean transientFailure;
    private final Integer statusCode;

    public FetchFailure(String code, boolean transientFailure, Integer statusCode, String message) {
        super(message);
        this.code = code;
        this.transientFailure = transientFailure;
        this.statusCode = statusCode;
    }

    public static FetchFailure permanent(String code, String message) {
        return new FetchFailure(code, false, null, message);
    }

    public static FetchFailure transientFailure(String code, String message) {
        return new FetchFailure(code, true, null, message);
    }

    public static FetchFailure httpStatus(int status) {
        boolean retriable = status == 429 || status == 502 || status == 503 || status == 504;
        return new FetchFailure("http-" + status, retriable, status, "The site answered HTTP " + status);
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
