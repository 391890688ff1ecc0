package dev.trawl.job;

import dev.trawl.queue.RedisStreamsOutgoingMetadata;
import dev.trawl.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Puts a job id on the work stream of its priority; the item arrives once Redis has the entry. */
@ApplicationScoped
public class JobQueue {

    private final MutinyEmitter<String> emitter;
    private final RedisKeys keys;

    public JobQueue(@Channel("jobs-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
            MutinyEmitter<String> emitter, RedisKeys keys) {
        this.emitter = emitter;
        this.keys = keys;
    }

    public Uni<Void> enqueue(UUID jobId, Priority priority) {
        var target = new RedisStreamsOutgoingMetadata(keys.jobStream(priority.wireName()));
        return emitter.sendMessage(Message.of(jobId.toString()).addMetadata(target));
    }
}
