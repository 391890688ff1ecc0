package dev.trawl.roles;

/** What a process does; one image runs either or both. */
public enum Role {
    /** Serves the HTTP API and SSE. */
    API,
    /** Consumes the job streams and runs scrapes. */
    WORKER
}
