package dev.trawl.job;

import dev.trawl.queue.OutgoingEntry;
import dev.trawl.queue.RedisStreamsOutgoingMetadata;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Puts job ids on the work streams of their priorities (or, for a caller taking turns, in its
 * line), with the request of those a worker may run before claiming them; the item arrives once
 * Redis has them. Many jobs go as one message per priority, whose entries the connector appends in one
 * round trip.
 */
@ApplicationScoped
public class JobQueue {

    private final MutinyEmitter<Object> emitter;
    private final RedisKeys keys;
    private final FairShares shares;

    public JobQueue(
            @Channel("jobs-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
                    MutinyEmitter<Object> emitter,
            RedisKeys keys,
            FairShares shares) {
        this.emitter = emitter;
        this.keys = keys;
        this.shares = shares;
    }

    public Uni<Void> enqueue(UUID jobId, Priority priority) {
        return enqueueAll(List.of(new QueuedJob(jobId, priority)));
    }

    /**
     * Appends every job to the stream of its priority, keeping their order within a priority; a
     * job whose caller takes turns ({@link FairShares}) goes on when its caller has a place free.
     */
    public Uni<Void> enqueueAll(List<QueuedJob> jobs) {
        Map<Priority, List<Object>> byPriority = new EnumMap<>(Priority.class);
        List<QueuedJob> byTurns = new ArrayList<>();
        for (QueuedJob job : jobs) {
            if (job.takesTurns()) {
                byTurns.add(job);
            } else {
                String id = job.id().toString();
                byPriority
                        .computeIfAbsent(job.priority(), p -> new ArrayList<>())
                        .add(
                                job.request() == null
                                        ? id
                                        : new OutgoingEntry(id, job.request().fields()));
            }
        }
        List<Uni<Void>> sends = new ArrayList<>(byPriority.size() + 1);
        if (!byTurns.isEmpty()) {
            sends.add(shares.admit(byTurns));
        }
        byPriority.forEach((priority, ids) -> sends.add(emitter.sendMessage(Message.of((Object) ids)
                .addMetadata(new RedisStreamsOutgoingMetadata(keys.jobStream(priority.wireName()))))));
        return switch (sends.size()) {
            case 0 -> Uni.createFrom().voidItem();
            case 1 -> sends.get(0);
            default -> Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        };
    }
}
