package dev.trawl.api;

import dev.trawl.job.JobSpec;
import dev.trawl.job.Priority;
import dev.trawl.scrape.CanonicalUrl;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of {@code POST /v1/jobs}. */
public record JobSubmission(
        @NotBlank(message = "is required")
        @Size(max = 2048, message = "must be at most 2048 characters")
        @Pattern(regexp = "(?i)https?://\\S+", message = "must be an absolute http or https URL")
        String url,

        @Size(max = 5, message = "lists at most 5 formats")
        List<@NotNull(message = "must not be null")
             @Pattern(regexp = "metadata|text|markdown|links|html",
                      message = "must be one of metadata, text, markdown, links, html") String> formats,

        @Pattern(regexp = "high|normal|low", message = "must be one of high, normal, low")
        String priority) {

    static final List<String> DEFAULT_FORMATS = List.of("metadata", "markdown", "links");

    JobSpec toSpec() {
        String canonical = CanonicalUrl.of(url)
                .orElseThrow(() -> ProblemException.badRequest("url", "url: is not a valid http or https URL"));
        List<String> chosen = formats == null || formats.isEmpty() ? DEFAULT_FORMATS : formats.stream().distinct().toList();
        return new JobSpec(canonical, chosen, priority == null ? Priority.NORMAL : Priority.fromWire(priority));
    }
}
