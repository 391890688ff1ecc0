package dev.trawl.queue;

import java.util.Map;

/**
 * An element of an outgoing message's payload that writes {@code fields} into its entry beside the
 * payload; a consumer reads them from {@link RedisStreamsIncomingMetadata#fields()}.
 */
public record OutgoingEntry(String payload, Map<String, String> fields) {

    public OutgoingEntry {
        fields = Map.copyOf(fields);
        if (fields.containsKey(RedisStreamsConnector.PAYLOAD_FIELD)) {
            throw new IllegalArgumentException("The payload field is the entry's payload, not an extra field");
        }
    }
}
