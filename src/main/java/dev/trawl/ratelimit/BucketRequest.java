package dev.trawl.ratelimit;

/** Take {@code cost} tokens from the bucket of {@code tenant}, which holds {@code capacity} and gains {@code perMinute}. */
record BucketRequest(String tenant, long capacity, long perMinute, long cost) {}
