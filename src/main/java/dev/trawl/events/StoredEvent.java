package dev.trawl.events;

/** An event as kept in the job's stream: the stream entry id (the SSE id), its type and its JSON. */
public record StoredEvent(String id, String type, String json) {

    public boolean terminal() {
        return EventType.isTerminal(type);
    }

    /** Is this event later in the stream than the entry {@code otherId}? */
    public boolean isAfter(String otherId) {
        return StreamIds.compare(id, otherId) > 0;
    }
}
