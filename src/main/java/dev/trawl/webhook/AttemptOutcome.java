package dev.trawl.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one attempt went: the receiver's status, or the failure that kept it from answering.
 * {@code permanent} failures (a refused address, an unusable URL) are not tried again.
 */
record AttemptOutcome(int status, String error, boolean permanent, long millis) {

    static AttemptOutcome answered(int status, long millis) {
        return new AttemptOutcome(status, null, false, millis);
    }

    static AttemptOutcome failed(String error, boolean permanent, long millis) {
        return new AttemptOutcome(0, error, permanent, millis);
    }

    boolean delivered() {
        return status >= 200 && status < 300;
    }

    /** The metric label: delivered, failed (an answer other than 2xx, or no answer) or refused. */
    String label() {
        return delivered() ? "delivered" : permanent ? "refused" : "failed";
    }

    String summary() {
        return status > 0 ? "HTTP " + status : error;
    }

    Map<String, Object> asJson(int attempt) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("attempt", attempt);
        if (status > 0) {
            json.put("status", status);
        } else {
            json.put("error", error);
        }
        json.put("ms", millis);
        return json;
    }
}
