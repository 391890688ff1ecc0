package dev.trawl.events;

import dev.trawl.redis.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows one job: replays its log after a given entry, then goes live, with no gap and no
 * duplicate. The order matters: subscribe first, then replay, then drop live events whose id was
 * already sent. The feed completes after the terminal event.
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
        registry.gauge("trawl.sse.connections", followers);
    }

    /**
     * @param afterId          the last id the client has (Last-Event-ID), or null for the whole log
     * @param alreadyFinished  the job was terminal before following began: end once the log is replayed
     */
    public Multi<StoredEvent> follow(UUID jobId, String afterId, boolean alreadyFinished) {
        return Multi.createFrom().emitter(emitter -> {
            var follower = new Follower(jobId, afterId == null ? StreamIds.BEGINNING : afterId, alreadyFinished, emitter);
            followers.incrementAndGet();
            emitter.onTermination(() -> {
                followers.decrementAndGet();
                follower.stop();
            });
            follower.start();
        });
    }

    private final class Follower implements LiveEvents.Listener {
        private final UUID jobId;
        private final boolean alreadyFinished;
        private final MultiEmitter<? super StoredEvent> emitter;
        private final List<StoredEvent> heldBack = new ArrayList<>();
        private String lastSent;
        private boolean replaying = true;
        private volatile Runnable unsubscribe;
        private volatile boolean stopped;

        Follower(UUID jobId, String afterId, boolean alreadyFinished, MultiEmitter<? super StoredEvent> emitter) {
            this.jobId = jobId;
            this.lastSent = afterId;
            this.alreadyFinished = alreadyFinished;
            this.emitter = emitter;
        }

        void start() {
            live.subscribe(keys.jobChannel(jobId), this).subscribe().with(cancel -> {
                unsubscribe = cancel;
                if (stopped) {
                    cancel.run();
                } else {
                    replay();
                }
            }, emitter::fail);
        }

        void stop() {
            stopped = true;
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
            log.readAfter(jobId, from, config.replayBatch()).subscribe().with(page -> {
                page.forEach(this::send);
                if (page.size() == config.replayBatch() && !stopped) {
                    replay();
                } else {
                    goLive();
                }
            }, emitter::fail);
        }

        private synchronized void goLive() {
            replaying = false;
            heldBack.forEach(this::send);
            heldBack.clear();
            if (alreadyFinished) {
                emitter.complete();
            }
        }

        @Override
        public synchronized void onEvent(StoredEvent event) {
            if (replaying) {
                heldBack.add(event);
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
            emitter.emit(event);
            if (event.terminal()) {
                emitter.complete();
            }
        }
    }
}
