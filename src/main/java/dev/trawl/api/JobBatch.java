package dev.trawl.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/jobs/batch}: the jobs, each a body of {@code POST /v1/jobs}. They
 * are read one by one, so an item that is not a valid job is refused alone.
 */
public record JobBatch(
        @NotNull(message = "is required") @Size(min = 1, max = JobBatch.MAX_JOBS, message = "lists 1 to " + JobBatch.MAX_JOBS + " jobs") @Schema(
                type = SchemaType.ARRAY,
                implementation = JobSubmission.class,
                description = "1 to 1,000 bodies of POST /v1/jobs, each read on its own")
        List<JsonNode> jobs) {

    static final int MAX_JOBS = 1000;
}
