package dev.trawl.worker;

import dev.trawl.job.JobLogKeys;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * Runs each job on a Vert.x context of its own with the job id in its log context (MDC key
 * {@value #JOB_ID}), so every line logged for the job, on whichever thread its callbacks land,
 * names it. Quarkus keeps the MDC of a duplicated context in that context, not in the thread: the
 * Redis, PostgreSQL and HTTP clients resume on the context that called them, and one job's id
 * never shows in another's lines. It costs one context object and one task hop a job. The trace
 * id the job was submitted with ({@value #TRACE_ID}) joins it once the claim has read it.
 */
@ApplicationScoped
public class JobLogContext {

    public static final String JOB_ID = JobLogKeys.JOB_ID;

    /** The trace id the job was submitted with, added once the job is claimed (it is stored with the job). */
    public static final String TRACE_ID = JobLogKeys.TRACE_ID;

    private final Vertx vertx;

    public JobLogContext(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Adds the job's trace id, if it has one, to the log context of the job's run: called on the
     * job's context (as every callback of the run is), after the claim that read it.
     */
    public static void addTraceId(String traceId) {
        if (traceId != null) {
            MDC.put(TRACE_ID, traceId);
        }
    }

    public <T> Uni<T> run(String jobId, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> running = new AtomicReference<>();
            // before the job starts, only a cancellation (the worker stopping) can end the emitter
            AtomicBoolean terminated = new AtomicBoolean();
            emitter.onTermination(() -> {
                terminated.set(true);
                Cancellable current = running.get();
                if (current != null) {
                    current.cancel();
                }
            });
            Context context =
                    VertxContext.createNewDuplicatedContext(VertxContext.getRootContext(vertx.getOrCreateContext()));
            context.runOnContext(ignored -> {
                if (terminated.get()) {
                    return;
                }
                MDC.put(JOB_ID, jobId);
                running.set(work.get().subscribe().with(emitter::complete, emitter::fail));
            });
        });
    }
}
