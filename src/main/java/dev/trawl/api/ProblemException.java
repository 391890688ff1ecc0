package dev.trawl.api;

/** Ends a request with a problem+json response. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String field, String detail) {
        return new ProblemException(
                Problem.of(400, "invalid-request", "Invalid request", detail).withField(field));
    }

    public static ProblemException jobNotFound(String id) {
        return new ProblemException(Problem.of(404, "job-not-found", "Job not found", "No job has the id " + id)
                .withField("id"));
    }
}
