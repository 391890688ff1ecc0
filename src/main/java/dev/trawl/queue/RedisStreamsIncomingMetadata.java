package dev.trawl.queue;

/**
 * Where an incoming message came from. {@code claimed} is true when the entry was taken over from
 * another consumer by XAUTOCLAIM, i.e. an earlier delivery was never acknowledged.
 */
public record RedisStreamsIncomingMetadata(String stream, String id, String group, String consumer, boolean claimed) {}
