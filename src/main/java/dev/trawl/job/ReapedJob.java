package dev.trawl.job;

import java.util.UUID;

/** A running job whose lease ran out, and the state the reaper left it in. */
public record ReapedJob(UUID id, JobState state, Priority priority, int attempt, String url) {}
