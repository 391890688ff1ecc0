package dev.trawl.queue;

/** Sends one message to this stream instead of the channel's configured one. */
public record RedisStreamsOutgoingMetadata(String stream) {}
