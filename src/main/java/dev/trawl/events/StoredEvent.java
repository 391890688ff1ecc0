package dev.trawl.events;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * An event as kept in the job's stream: the stream entry id (the SSE id), its type and its JSON.
 * An event announced live reaches every follower of its job on this pod as this one object, so
 * its SSE frame is encoded once ({@link #sseFrame}) and the same bytes are written to them all.
 */
public final class StoredEvent {

    private final String id;
    private final String type;
    private final String json;
    /** Encoded on first use; a race encodes it twice, harmlessly, to equal bytes. */
    private Buffer frame;

    public StoredEvent(String id, String type, String json) {
        this.id = id;
        this.type = type;
        this.json = json;
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    public String json() {
        return json;
    }

    public boolean terminal() {
        return EventType.isTerminal(type);
    }

    /** Is this event later in the stream than the entry {@code otherId}? */
    public boolean isAfter(String otherId) {
        return StreamIds.compare(id, otherId) > 0;
    }

    /**
     * {@code id:<id>\nevent:<type>\ndata:<json>\n\n}. Vert.x lets one buffer be written to many
     * responses (each write takes a view of it), so followers share it.
     */
    public Buffer sseFrame() {
        Buffer encoded = frame;
        if (encoded == null) {
            encoded = SseFrames.event(id, type, json);
            frame = encoded;
        }
        return encoded;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredEvent e
                && id.equals(e.id)
                && Objects.equals(type, e.type)
                && Objects.equals(json, e.json);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "StoredEvent[id=" + id + ", type=" + type + ", json=" + json + "]";
    }
}
