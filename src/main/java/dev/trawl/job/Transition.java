package dev.trawl.job;

import dev.trawl.events.EventType;
import dev.trawl.events.NewEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A change of a job's state that PostgreSQL has already recorded, as the rest of the platform
 * must hear of it: the events followers read (in order, the state's own last) and what else the
 * new state calls for (a stream entry for a queued job, a dead letter for a failed one, a place
 * in the delayed set for a retry). Built by the factory methods, one per state a job can be
 * moved to; {@link JobTransitions} writes them.
 */
public record Transition(UUID jobId, JobState state, List<NewEvent> events, Effect effect) {

    public static final String CANCELLED_BY_CLIENT = "cancelled by the client";

    /** What the new state calls for besides its event. */
    public sealed interface Effect {}

    public record None() implements Effect {}

    /**
     * XADD to the work stream of the job's priority, after the event; by turns when {@code share}
     * says so (a new job of a capped caller), straight on when it is null. The entry carries
     * {@code request} when it is not null.
     */
    public record Enqueue(Priority priority, FairShare share, JobRequest request) implements Effect {}

    /** XADD to the dead-letter stream, after the event. */
    public record DeadLetter(String url, String errorCode, int attempts) implements Effect {}

    /** ZADD to the delayed set, due at {@code at}, after the event. */
    public record Retry(Instant at) implements Effect {}

    /** ZADD to the delayed set, due at {@code at}, after the event: a first run asked for later. */
    public record Delay(Instant at) implements Effect {}

    private static final Effect NONE = new None();

    public Transition {
        events = List.copyOf(events);
    }

    /** Queued again: {@code data} says why (stranded, lease-expired, redriven, ...). */
    public static Transition queued(UUID id, Priority priority, Map<String, Object> data) {
        return submitted(id, priority, data, null);
    }

    /** Queued for the first time, taking turns with the caller's other jobs if {@code share} caps them. */
    public static Transition submitted(UUID id, Priority priority, Map<String, Object> data, FairShare share) {
        return submitted(id, priority, data, share, null);
    }

    /** Queued for the first time, its entry carrying {@code request} (null for none). */
    public static Transition submitted(
            UUID id, Priority priority, Map<String, Object> data, FairShare share, JobRequest request) {
        return new Transition(
                id,
                JobState.QUEUED,
                List.of(new NewEvent(id, EventType.QUEUED, data)),
                new Enqueue(priority, share, request));
    }

    /**
     * A running job whose lease ended without its worker (reaped, or handed back by a draining
     * worker), as the statement left it: queued again for {@code reason}, failed with {@code error}
     * (too many lost workers), or cancelled; nothing for any other state.
     */
    public static Optional<Transition> leaseEnded(ReapedJob job, String reason, Map<String, Object> error) {
        return switch (job.state()) {
            case QUEUED ->
                Optional.of(queued(job.id(), job.priority(), Map.of("reason", reason, "attempt", job.attempt())));
            case FAILED -> Optional.of(failed(job.id(), error, job.url(), job.attempt()));
            case CANCELLED -> Optional.of(cancelled(job.id()));
            default -> Optional.empty();
        };
    }

    /** Recorded to run at {@code at}: it waits in the delayed set, and a mover queues it then. */
    public static Transition scheduled(UUID id, Instant at, Map<String, Object> data) {
        Map<String, Object> withTime = new LinkedHashMap<>(data);
        withTime.put("runAt", at.toString());
        return new Transition(
                id, JobState.SCHEDULED, List.of(new NewEvent(id, EventType.SCHEDULED, withTime)), new Delay(at));
    }

    public static Transition retrying(UUID id, int attempt, Instant at, Map<String, Object> error) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("attempt", attempt);
        data.put("nextAttemptAt", at.toString());
        data.put("error", error);
        return new Transition(
                id, JobState.RETRYING, List.of(new NewEvent(id, EventType.RETRYING, data)), new Retry(at));
    }

    /** Succeeded with {@code pages} stored; {@code before} are events that precede it (a single page's {@code page}). */
    public static Transition succeeded(UUID id, int pages, List<NewEvent> before) {
        return terminal(id, JobState.SUCCEEDED, before, EventType.SUCCEEDED, Map.of("pages", pages), NONE);
    }

    public static Transition failed(UUID id, Map<String, Object> error, String url, int attempts) {
        Object code = error == null ? null : error.get("code");
        return terminal(
                id,
                JobState.FAILED,
                List.of(),
                EventType.FAILED,
                Map.of("error", error == null ? Map.of() : error),
                new DeadLetter(url, code == null ? null : String.valueOf(code), attempts));
    }

    public static Transition cancelled(UUID id) {
        return terminal(
                id, JobState.CANCELLED, List.of(), EventType.CANCELLED, Map.of("reason", CANCELLED_BY_CLIENT), NONE);
    }

    public static Transition aborted(UUID id, Map<String, Object> trip) {
        return terminal(id, JobState.ABORTED, List.of(), EventType.ABORTED, trip, NONE);
    }

    /**
     * The terminal event a job that ended so writes last, rebuilt from what PostgreSQL holds and
     * marked {@code recovered}, with the dead letter a failed job gets. For a job whose worker was
     * lost between its last commit and its event.
     */
    public static Transition recovered(UUID id, JobEnding ending) {
        Map<String, Object> data = new LinkedHashMap<>();
        switch (ending.state()) {
            case SUCCEEDED -> data.put("pages", ending.pages());
            case CANCELLED -> data.put("reason", CANCELLED_BY_CLIENT);
            default -> data.put("error", ending.error() == null ? Map.of() : ending.error());
        }
        data.put("recovered", true);
        EventType type = switch (ending.state()) {
            case SUCCEEDED -> EventType.SUCCEEDED;
            case FAILED -> EventType.FAILED;
            case CANCELLED -> EventType.CANCELLED;
            case ABORTED -> EventType.ABORTED;
            default -> throw new IllegalArgumentException("A " + ending.state().wireName() + " job has not ended");
        };
        Effect effect = ending.state() == JobState.FAILED
                ? new DeadLetter(ending.url(), ending.errorCode(), ending.attempt())
                : NONE;
        return terminal(id, ending.state(), List.of(), type, data, effect);
    }

    private static Transition terminal(
            UUID id, JobState state, List<NewEvent> before, EventType type, Map<String, Object> data, Effect effect) {
        List<NewEvent> events = new ArrayList<>(before.size() + 1);
        events.addAll(before);
        events.add(new NewEvent(id, type, data));
        return new Transition(id, state, events, effect);
    }
}
