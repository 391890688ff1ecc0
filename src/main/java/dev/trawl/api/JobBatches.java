package dev.trawl.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobSubmitter;
import dev.trawl.job.Sha256;
import dev.trawl.job.SubmittedJob;
import dev.trawl.tenancy.Tenant;
import dev.trawl.webhook.WebhookSecrets;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Submits the jobs of a batch: each item is read, validated and turned into a job spec on its
 * own, exactly as a single submit would be; the valid ones are submitted together (one
 * transaction, one round trip to Redis, see {@link JobSubmitter#submitAll}) and every item is
 * answered in its place: the accepted job, or the problem that kept it out.
 */
@ApplicationScoped
public class JobBatches {

    /** One item of the answer: the job as a single submit would show it, or why it was refused. */
    public record Refused(Problem error) {}

    /** The answer: one item per job asked for, in the same order, and how many were accepted. */
    public record Answer(List<Object> jobs, int accepted, int refused) {}

    /** A batch read and checked: per item, the submission to make or the problem with it. */
    record Checked(List<JobSubmitter.Submission> submissions, List<Problem> problems, String fingerprint) {}

    private final ObjectMapper json;
    private final Validator validator;
    private final SubmissionOptions options;
    private final JobSubmitter submitter;
    private final TierRules rules;
    private final StartTime start;
    private final WebhookSecrets webhookSecrets;

    public JobBatches(
            ObjectMapper json,
            Validator validator,
            SubmissionOptions options,
            JobSubmitter submitter,
            TierRules rules,
            StartTime start,
            WebhookSecrets webhookSecrets) {
        this.start = start;
        this.rules = rules;
        this.webhookSecrets = webhookSecrets;
        this.json = json;
        this.validator = validator;
        this.options = options;
        this.submitter = submitter;
    }

    /**
     * Reads and checks every item, also against what the caller's tier allows; an item refused
     * has a problem and no submission, in its place. Every job of the batch keeps the request's
     * {@code traceId} (null if none).
     */
    Checked check(JobBatch batch, Tenant caller, String traceId) {
        List<JobSubmitter.Submission> submissions = new ArrayList<>(batch.jobs().size());
        List<Problem> problems = new ArrayList<>(batch.jobs().size());
        StringBuilder fingerprint = new StringBuilder();
        for (JsonNode item : batch.jobs()) {
            JobSubmitter.Submission submission = null;
            Problem problem = null;
            try {
                Item read = submission(item, caller, traceId);
                submission = read.submission();
                fingerprint
                        .append(IdempotentSubmits.fingerprint(submission.spec(), submission.dedupe()))
                        .append(read.asked());
            } catch (ProblemException e) {
                problem = e.problem();
                fingerprint.append("refused ").append(item);
            }
            fingerprint.append('\n');
            submissions.add(submission);
            problems.add(problem);
        }
        return new Checked(submissions, problems, Sha256.hex(fingerprint.toString()));
    }

    /**
     * Submits the valid items together and answers every item in its place; a 429 problem, and
     * nothing submitted, if they would put the caller over its tier's max-queued.
     */
    Uni<Answer> submit(Tenant caller, Checked checked) {
        List<JobSubmitter.Submission> valid =
                checked.submissions().stream().filter(s -> s != null).toList();
        boolean anyWebhook = valid.stream().anyMatch(s -> s.spec().webhook() != null);
        return webhookSecrets
                .requireFor(caller.id(), anyWebhook)
                .chain(() -> rules.roomFor(caller, valid.size()))
                .chain(() -> submitter.submitAll(valid))
                .map(accepted -> {
                    List<Object> items = new ArrayList<>(checked.submissions().size());
                    int next = 0;
                    for (int i = 0; i < checked.submissions().size(); i++) {
                        if (checked.submissions().get(i) == null) {
                            items.add(new Refused(checked.problems().get(i)));
                        } else {
                            SubmittedJob job = accepted.get(next++);
                            items.add(JobViews.Accepted.of(job));
                        }
                    }
                    return new Answer(items, valid.size(), items.size() - valid.size());
                });
    }

    /** An item read: what to submit, and its own words for when (an Idempotency-Key compares those). */
    private record Item(JobSubmitter.Submission submission, String asked) {}

    private Item submission(JsonNode item, Tenant caller, String traceId) {
        JobSubmission submission;
        try {
            submission = item == null || item.isNull() ? null : json.treeToValue(item, JobSubmission.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemMappers.unreadableProblem(e));
        }
        if (submission == null) {
            throw ProblemException.badRequest("body", "body: a job is an object like the body of POST /v1/jobs");
        }
        Set<ConstraintViolation<JobSubmission>> violations = validator.validate(submission);
        if (!violations.isEmpty()) {
            throw new ProblemException(ProblemMappers.invalid(violations));
        }
        JobSpec spec = rules.allowed(caller, options.toSpec(submission));
        StartTime.Asked when = start.of(submission);
        return new Item(
                new JobSubmitter.Submission(
                        spec, submission.deduplicates(), rules.shareOf(caller), when.runAt(), traceId),
                when.asked());
    }
}
