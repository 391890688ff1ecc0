package dev.trawl.api;

import dev.trawl.events.EventSink;
import dev.trawl.events.JobEventFeed;
import dev.trawl.events.SlowFollowerException;
import dev.trawl.events.SseFrames;
import dev.trawl.events.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * One open event stream: the response it writes to and what it needs to stop following. Writes
 * come from the pub/sub connection's thread, a replay's and the heartbeat sweep; they are
 * serialised on this object, which never calls into the feed while it holds its own lock (the
 * feed calls in while holding the follower's).
 */
final class EventStreamConnection implements EventSink {

    private static final Logger LOG = Logger.getLogger(EventStreamConnection.class);

    private final HttpServerResponse response;
    private final Buffer preamble;
    private final int bufferLimit;
    private final SseHeartbeats.Loop heartbeats;
    private final BiConsumer<HttpServerResponse, Throwable> answerFailure;
    private final StreamSlots.Slot slot;
    private final long lifetimeNanos;
    private final Counter eventsSent;
    private long openedNanos;
    private Runnable stopFollowing;
    private boolean opened;
    private boolean finished;
    /** When this stream last sent anything; the heartbeat sweep reads it. */
    volatile long lastWriteNanos = System.nanoTime();

    EventStreamConnection(
            HttpServerResponse response,
            Buffer preamble,
            int bufferLimit,
            SseHeartbeats.Loop heartbeats,
            StreamSlots.Slot slot,
            long lifetimeNanos,
            BiConsumer<HttpServerResponse, Throwable> answerFailure,
            Counter eventsSent) {
        this.eventsSent = eventsSent;
        this.response = response;
        this.slot = slot;
        this.lifetimeNanos = lifetimeNanos;
        this.preamble = preamble;
        this.bufferLimit = bufferLimit;
        this.heartbeats = heartbeats;
        this.answerFailure = answerFailure;
        response.closeHandler(ignored -> gone());
        response.exceptionHandler(failure -> gone());
    }

    void follow(JobEventFeed feed, UUID jobId, String after, boolean alreadyFinished) {
        synchronized (this) {
            if (finished) {
                return; // the client left while the job was looked up
            }
        }
        Runnable stop = feed.follow(jobId, after, alreadyFinished, this);
        boolean left;
        synchronized (this) {
            stopFollowing = stop;
            left = finished;
        }
        if (left) {
            stop.run();
        }
    }

    synchronized void noContent() {
        if (finish()) {
            response.setStatusCode(204).end();
        }
    }

    @Override
    public synchronized void open() {
        if (finished) {
            return;
        }
        opened = true;
        openedNanos = System.nanoTime();
        response.setStatusCode(200)
                .putHeader("Content-Type", JobEventStream.EVENT_STREAM)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true)
                .setWriteQueueMaxSize(bufferLimit);
        write(preamble);
        heartbeats.add(this);
    }

    @Override
    public synchronized void event(StoredEvent event) {
        if (!finished) {
            write(event.sseFrame());
            eventsSent.increment();
        }
    }

    @Override
    public synchronized boolean keepsUp() {
        return finished || !response.writeQueueFull();
    }

    @Override
    public void whenWritable(Runnable next) {
        synchronized (this) {
            if (!finished && response.writeQueueFull()) {
                response.drainHandler(ignored -> next.run());
                return;
            }
        }
        next.run();
    }

    @Override
    public synchronized void end() {
        if (finish()) {
            try {
                response.end();
            } catch (IllegalStateException closed) {
                // the client left at the same moment
            }
        }
    }

    @Override
    public void fail(Throwable failure) {
        synchronized (this) {
            if (!finish()) {
                return;
            }
            if (opened) {
                // the head is out: all that can be said is to drop the stream; the client reconnects and replays
                if (failure instanceof SlowFollowerException) {
                    LOG.debug(failure.getMessage());
                } else {
                    LOG.warnf(
                            "An event stream failed; closing it so that its client reconnects: %s", failure.toString());
                }
                response.close();
                return;
            }
        }
        answerFailure.accept(response, failure);
    }

    /**
     * Sends a heartbeat if nothing was sent for {@code idleNanos}, or ends the stream once it has
     * been open for its lifetime (the client reconnects with Last-Event-ID); called on this
     * stream's event loop.
     */
    void sweep(long now, long idleNanos) {
        Runnable stop;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (now - openedNanos < lifetimeNanos) {
                if (now - lastWriteNanos >= idleNanos) {
                    write(SseFrames.HEARTBEAT);
                }
                return;
            }
            finish();
            stop = stopFollowing;
            try {
                response.end();
            } catch (IllegalStateException closed) {
                // the client left at the same moment
            }
        }
        if (stop != null) {
            stop.run();
        }
    }

    /** Marks the stream finished and gives back what it held; false if it already was. */
    private boolean finish() {
        if (finished) {
            return false;
        }
        finished = true;
        heartbeats.remove(this);
        slot.release();
        return true;
    }

    private void write(Buffer frame) {
        try {
            response.write(frame);
            lastWriteNanos = System.nanoTime();
        } catch (IllegalStateException closed) {
            finish(); // the connection went away; its close handler stops following
        }
    }

    /** The client closed the connection (or it broke). */
    private void gone() {
        Runnable stop;
        synchronized (this) {
            finish();
            stop = stopFollowing;
        }
        if (stop != null) {
            stop.run();
        }
    }
}
