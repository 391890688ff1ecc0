package dev.trawl.events;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The Server-Sent Events wire format (WHATWG HTML, "Server-sent events"), written by hand: a frame
 * is a few fields, and encoding it once per event beats building a framework event object per
 * follower. Field names are followed by the colon alone, as the platform always wrote them.
 */
public final class SseFrames {

    /** Sent at the start of a stream and on an idle one, so proxies see traffic and keep it open. */
    public static final Buffer HEARTBEAT = Buffer.buffer(":heartbeat\n\n");

    private SseFrames() {}

    public static Buffer event(String id, String type, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 64);
        if (id != null) {
            frame.append("id:").append(id).append('\n');
        }
        if (type != null) {
            frame.append("event:").append(type).append('\n');
        }
        // a line break inside the data would end the field: each line is a data field of its own
        int start = 0;
        for (int i = 0; i <= data.length(); i++) {
            if (i == data.length() || data.charAt(i) == '\n' || data.charAt(i) == '\r') {
                frame.append("data:").append(data, start, i).append('\n');
                if (i + 1 < data.length() && data.charAt(i) == '\r' && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append('\n');
        return Buffer.buffer(frame.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** How long an EventSource waits before it reconnects after the stream drops. */
    public static Buffer retry(long millis) {
        return Buffer.buffer("retry:" + millis + "\n\n");
    }
}
