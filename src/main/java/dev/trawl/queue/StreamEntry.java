package dev.trawl.queue;

import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One stream entry as read from a consumer group. */
record StreamEntry(String stream, String id, Map<String, String> fields, boolean claimed) {

    static final String PAYLOAD_FIELD = RedisStreamsConnector.PAYLOAD_FIELD;

    String payload() {
        return fields.get(PAYLOAD_FIELD);
    }

    /** Parses the RESP2 reply of XREADGROUP: [[stream, [[id, [field, value, ...]], ...]], ...]. */
    static List<StreamEntry> fromReadReply(Response reply) {
        List<StreamEntry> entries = new ArrayList<>();
        if (reply == null) {
            return entries;
        }
        for (Response streamReply : reply) {
            String stream = streamReply.get(0).toString();
            addEntries(stream, streamReply.get(1), false, entries);
        }
        return entries;
    }

    /** Parses the RESP2 reply of XAUTOCLAIM: [next-cursor, [[id, fields], ...], [deleted ids]]. */
    static List<StreamEntry> fromClaimReply(String stream, Response reply) {
        List<StreamEntry> entries = new ArrayList<>();
        if (reply != null && reply.size() > 1) {
            addEntries(stream, reply.get(1), true, entries);
        }
        return entries;
    }

    private static void addEntries(String stream, Response list, boolean claimed, List<StreamEntry> into) {
        if (list == null) {
            return;
        }
        for (Response entry : list) {
            // An entry deleted while pending comes back as nil (Redis 6.2) and carries no data.
            if (entry == null || entry.size() < 2 || entry.get(1) == null) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Response kv = entry.get(1);
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
            }
            into.add(new StreamEntry(stream, entry.get(0).toString(), fields, claimed));
        }
    }
}
