package dev.trawl.queue;

import java.util.Collections;
import java.util.Map;

/**
 * Where an incoming message came from. {@code claimed} is true when the entry was taken over from
 * another consumer by XAUTOCLAIM, i.e. an earlier delivery was never acknowledged. {@code fields}
 * are the entry's fields, the payload's among them.
 */
public record RedisStreamsIncomingMetadata(
        String stream, String id, String group, String consumer, boolean claimed, Map<String, String> fields) {

    public RedisStreamsIncomingMetadata {
        fields = Collections.unmodifiableMap(fields);
    }
}
