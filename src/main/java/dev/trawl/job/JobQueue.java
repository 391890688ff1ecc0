package dev.trawl.job;

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
 * Puts job ids on the work streams of their priorities; the item arrives once Redis has the
 * entries. Many jobs go as one message per priority, whose entries the connector appends in one
 * round trip.
 */
@ApplicationScoped
public class JobQueue {

    private final MutinyEmitter<Object> emitter;
    private final RedisKeys keys;

    public JobQueue(@Channel("jobs-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
            MutinyEmitter<Object> emitter, RedisKeys keys) {
        this.emitter = emitter;
        this.keys = keys;
    }

    public Uni<Void> enqueue(UUID jobId, Priority priority) {
        return enqueueAll(List.of(new QueuedJob(jobId, priority)));
    }

    /** Appends every job to the stream of its priority, keeping their order within a priority. */
    public Uni<Void> enqueueAll(List<QueuedJob> jobs) {
        Map<Priority, List<String>> byPriority = new EnumMap<>(Priority.class);
        jobs.forEach(job -> byPriority.computeIfAbsent(job.priority(), p -> new ArrayList<>()).add(job.id().toString()));
        List<Uni<Void>> sends = new ArrayList<>(byPriority.size());
        byPriority.forEach((priority, ids) -> sends.add(emitter.sendMessage(Message.of((Object) ids)
                .addMetadata(new RedisStreamsOutgoingMetadata(keys.jobStream(priority.wireName()))))));
        return switch (sends.size()) {
            case 0 -> Uni.createFrom().voidItem();
            case 1 -> sends.get(0);
            default -> Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        };
    }
}
