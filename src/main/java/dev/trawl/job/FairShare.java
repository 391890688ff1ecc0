package dev.trawl.job;

/** A caller's place on the work streams: at most {@code maxInFlight} of its jobs at once (0: no cap). */
public record FairShare(String owner, int maxInFlight) {}
