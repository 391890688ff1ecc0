package dev.trawl.events;

import dev.trawl.redis.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows one job: replays its log after a given entry, then goes live, with no gap and no
 * duplicate. The order matters: subscribe first, then replay, then drop live events whose id was
 * already sent. Following ends after the terminal event.
 */
@Startup // its gauges exist from the start, not from the first follower
@ApplicationScoped
public class JobEventFeed {

    private final EventLog log;
    private final LiveEvents live;
    private final RedisKeys keys;
    private final EventsConfig config;
    private final AtomicInteger followers = new AtomicInteger();

    public JobEventFeed(EventLog log, LiveEvents live, RedisKeys keys, EventsConfig config, MeterRegistry registry) {
        this.log = log;
        this.live = live;
        this.keys = keys;
        this.config = config;
        Gauge.builder("trawl.sse.connections", followers, Number::doubleValue)
                .description("Event streams open on this pod")
                .register(registry);
    }

    /**
     * Delivers the job's events to {@code sink}; the returned action stops following (the client
     * went away). Following stops by itself after {@link EventSink#end} or {@link EventSink#fail}.
     *
     * @param afterId          the last id the client has (Last-Event-ID), or null for the whole log
     * @param alreadyFinished  the job was terminal before following began: end once the log is replayed
     */
    public Runnable follow(UUID jobId, String afterId, boolean alreadyFinished, EventSink sink) {
        var follower = new Follower(jobId, afterId == null ? StreamIds.BEGINNING : afterId, alreadyFinished, sink);
        followers.incrementAndGet();
        follower.start();
        return follower::stop;
    }

    /** The same as a {@link Multi} that completes after the terminal event, for callers that wait for it. */
    public Multi<StoredEvent> follow(UUID jobId, String afterId, boolean alreadyFinished) {
        return Multi.createFrom().emitter(emitter -> {
            Runnable stop = follow(jobId, afterId, alreadyFinished, new EventSink() {
                @Override
                public void open() {}

                @Override
                public void event(StoredEvent event) {
                    emitter.emit(event);
                }

                @Override
                public void end() {
                    emitter.complete();
                }

                @Override
                public void fail(Throwable failure) {
                    emitter.fail(failure);
                }
            });
            emitter.onTermination(stop);
        });
    }

    private final class Follower implements LiveEvents.Listener {
        private final UUID jobId;
        private final boolean alreadyFinished;
        private final EventSink sink;
        private final List<StoredEvent> heldBack = new ArrayList<>();
        private String lastSent;
        private boolean replaying = true;
        private volatile Runnable unsubscribe;
        private volatile boolean stopped;

        Follower(UUID jobId, String afterId, boolean alreadyFinished, EventSink sink) {
            this.jobId = jobId;
            this.lastSent = afterId;
            this.alreadyFinished = alreadyFinished;
            this.sink = sink;
        }

        void start() {
            live.subscribe(keys.jobChannel(jobId), this)
                    .subscribe()
                    .with(
                            cancel -> {
                                unsubscribe = cancel;
                                if (stopped) {
                                    cancel.run();
                                } else {
                                    sink.open();
                                    replay();
                                }
                            },
                            this::failed);
        }

        /** Idempotent: the client leaving and the feed ending may both stop it. */
        void stop() {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
            }
            followers.decrementAndGet();
            Runnable cancel = unsubscribe;
            if (cancel != null) {
                cancel.run();
            }
        }

        private void replay() {
            String from;
            synchronized (this) {
                from = lastSent;
            }
            log.readAfter(jobId, from, config.replayBatch())
                    .subscribe()
                    .with(
                            page -> {
                                page.forEach(this::send);
                                if (stopped) {
                                    return;
                                }
                                if (page.size() == config.replayBatch()) {
                                    sink.whenWritable(this::replay);
                                } else {
                                    goLive();
                                }
                            },
                            this::failed);
        }

        private synchronized void goLive() {
            replaying = false;
            heldBack.forEach(this::send);
            heldBack.clear();
            if (alreadyFinished) {
                end();
            }
        }

        @Override
        public synchronized void onEvent(StoredEvent event) {
            if (replaying) {
                heldBack.add(event);
            } else if (!sink.keepsUp()) {
                failed(new SlowFollowerException(jobId));
            } else {
                send(event);
            }
        }

        @Override
        public synchronized void onResubscribed() {
            if (!replaying && !stopped) {
                replaying = true;
                replay();
            }
        }

        private synchronized void send(StoredEvent event) {
            if (stopped || !event.isAfter(lastSent)) {
                return;
            }
            lastSent = event.id();
            sink.event(event);
            if (event.terminal()) {
                end();
            }
        }

        private synchronized void end() {
            if (!stopped) {
                sink.end();
                stop();
            }
        }

        private synchronized void failed(Throwable failure) {
            if (!stopped) {
                sink.fail(failure);
                stop();
            }
        }
    }
}
