package dev.trawl.job;

import dev.trawl.events.StreamIds;
import io.vertx.mutiny.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How far the worker group got through one work stream, from XINFO GROUPS: entries not yet
 * delivered ({@code lag}, null when Redis cannot tell), delivered but not acknowledged
 * ({@code pending}), and the id of the last entry delivered.
 */
public record GroupProgress(Long lag, long pending, String lastDeliveredId) {

    /** The named group's progress in an XINFO GROUPS reply (RESP2 flat list or RESP3 map). */
    static Optional<GroupProgress> of(Response groups, String group) {
        for (Response info : groups) {
            Map<String, Response> fields = new HashMap<>();
            if (info.isMap()) {
                info.getKeys().forEach(k -> fields.put(k, info.get(k)));
            } else {
                for (int i = 0; i + 1 < info.size(); i += 2) {
                    fields.put(info.get(i).toString(), info.get(i + 1));
                }
            }
            if (fields.containsKey("name") && group.equals(fields.get("name").toString())) {
                Response lag = fields.get("lag");
                Response lastDelivered = fields.get("last-delivered-id");
                return Optional.of(new GroupProgress(
                        lag == null ? null : lag.toLong(),
                        fields.get("pending").toLong(),
                        lastDelivered == null ? "0-0" : lastDelivered.toString()));
            }
        }
        return Optional.empty();
    }

    /** Every entry the stream holds was delivered to the group. */
    public boolean caughtUp() {
        return lag != null && lag == 0;
    }

    /** When the last delivered entry was added, in Redis's milliseconds (0 for none). */
    public long lastDeliveredMillis() {
        return StreamIds.millisOf(lastDeliveredId);
    }
}
