package dev.trawl.scrape.render;

/** Why one render request to one backend failed; decides failover and the breaker's verdict. */
class RenderFailure extends RuntimeException {

    /** The backend is down or overloaded (5xx, 429): try another; counts against its breaker. */
    static final class Unavailable extends RenderFailure {
        Unavailable(String backend, int status) {
            super(backend + " answered HTTP " + status);
        }
    }

    /** The backend could not be reached or did not answer in time: try another; counts against its breaker. */
    static final class Unreachable extends RenderFailure {
        Unreachable(String message) {
            super(message);
        }
    }

    /**
     * The backend refused this request (4xx other than 408/429): another backend would refuse it
     * too, and the backend itself is healthy, so no failover and no mark against its breaker.
     */
    static final class Rejected extends RenderFailure {
        final int status;

        Rejected(String backend, int status) {
            super(backend + " refused the render with HTTP " + status);
            this.status = status;
        }
    }

    /** Every backend was tried, or none could be: the pass failed and may be retried after a pause. */
    static final class NoBackendLeft extends RenderFailure {
        NoBackendLeft(Throwable last) {
            super(
                    last == null
                            ? "no render backend is available"
                            : "every render backend failed, last: " + last.getMessage(),
                    last);
        }
    }

    RenderFailure(String message) {
        super(message, null, false, false);
    }

    RenderFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
