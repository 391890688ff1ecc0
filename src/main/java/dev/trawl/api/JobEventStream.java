package dev.trawl.api;

import dev.trawl.events.EventsConfig;
import dev.trawl.events.JobEventFeed;
import dev.trawl.events.StoredEvent;
import dev.trawl.events.StreamIds;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * A job's events as Server-Sent Events: {@code id:} is the stream entry id, {@code event:} the
 * type, {@code data:} the JSON. A heartbeat comment keeps idle connections open through proxies;
 * the stream ends after the terminal event.
 */
@ApplicationScoped
public class JobEventStream {

    private static final Object END = new Object();

    private final JobLookup lookup;
    private final JobEventFeed feed;
    private final EventsConfig config;

    public JobEventStream(JobLookup lookup, JobEventFeed feed, EventsConfig config) {
        this.lookup = lookup;
        this.feed = feed;
        this.config = config;
    }

    /** The id to replay after, null for the whole log; a 400 problem if it is not a stream id. */
    static String parseLastEventId(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        if (!StreamIds.isValid(lastEventId.trim())) {
            throw new ProblemException(Problem.of(400, "invalid-request", "Invalid request",
                    "Last-Event-ID must be an event id this stream sent, like 1700000000000-0").withField("Last-Event-ID"));
        }
        return lastEventId.trim();
    }

    public Multi<OutboundSseEvent> open(String jobId, String lastEventId, Sse sse) {
        String after = parseLastEventId(lastEventId);
        UUID id = JobLookup.parseId(jobId);
        return RestMulti.fromUniResponse(lookup.state(jobId),
                state -> events(feed.follow(id, after, state.terminal()), sse),
                state -> Map.of("Cache-Control", List.of("no-cache"), "X-Accel-Buffering", List.of("no")));
    }

    private Multi<OutboundSseEvent> events(Multi<StoredEvent> followed, Sse sse) {
        Multi<Object> events = followed.map(e -> (Object) e).onCompletion().continueWith(END);
        Multi<Object> heartbeats = Multi.createFrom().ticks().every(config.heartbeat()).map(tick -> (Object) tick);
        return Multi.createBy().merging().streams(events, heartbeats)
                .select().first(item -> item != END)
                .map(item -> item instanceof StoredEvent event
                        ? sse.newEventBuilder().id(event.id()).name(event.type()).data(String.class, event.json()).build()
                        : sse.newEventBuilder().comment("heartbeat").build());
    }
}
