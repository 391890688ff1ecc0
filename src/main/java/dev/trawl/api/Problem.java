package dev.trawl.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code field} names the request member, header or parameter at
 * fault; {@code errors} lists every field when there are several; {@code jobId} and
 * {@code status} of the job are given where the problem concerns one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String field,
        List<FieldError> errors,
        String jobId,
        String jobStatus) {

    public static final String TYPE_BASE = "https://trawl.dev/problems/";

    public record FieldError(String field, String detail) {}

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, null, null, null);
    }

    public Problem withField(String name) {
        return new Problem(type, title, status, detail, name, errors, jobId, jobStatus);
    }

    public Problem withErrors(List<FieldError> list) {
        return new Problem(type, title, status, detail, field, list, jobId, jobStatus);
    }

    public Problem withJob(String id, String state) {
        return new Problem(type, title, status, detail, field, errors, id, state);
    }
}
