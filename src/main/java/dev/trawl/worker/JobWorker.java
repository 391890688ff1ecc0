package dev.trawl.worker;

import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes the {@code jobs} channel when this process has the worker role, running up to
 * {@code trawl.worker.concurrency} jobs at once. The merge requests a new entry only when a job
 * ends, so the queue's back-pressure is the worker's own pace.
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);

    private final Multi<Message<String>> jobs;
    private final JobRunner runner;
    private final RolesConfig roles;
    private final WorkerConfig config;
    private volatile Cancellable subscription;

    public JobWorker(@Channel("jobs") Multi<Message<String>> jobs, JobRunner runner, RolesConfig roles,
            WorkerConfig config) {
        this.jobs = jobs;
        this.runner = runner;
        this.roles = roles;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!roles.runs(Role.WORKER)) {
            LOG.info("Worker role off: not consuming jobs");
            return;
        }
        LOG.infof("Worker consuming jobs, %d at a time", config.concurrency());
        subscription = jobs.onItem().transformToUni(runner::run).merge(config.concurrency())
                .subscribe().with(
                        done -> { },
                        failure -> LOG.error("The job stream failed; this worker stopped consuming", failure));
    }

    void stop(@Observes ShutdownEvent event) {
        Cancellable current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
