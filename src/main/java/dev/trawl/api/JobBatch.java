package dev.trawl.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST /v1/jobs/batch}: the jobs, each a body of {@code POST /v1/jobs}. They
 * are read one by one, so an item that is not a valid job is refused alone.
 */
public record JobBatch(
        @NotNull(message = "is required")
        @Size(min = 1, max = JobBatch.MAX_JOBS, message = "lists 1 to " + JobBatch.MAX_JOBS + " jobs")
        List<JsonNode> jobs) {

    static final int MAX_JOBS = 1000;
}
