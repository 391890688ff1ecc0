package dev.trawl.health;

import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.worker.JobWorker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN from the moment a worker starts draining, so nothing counts on it for new work. */
@Readiness
@ApplicationScoped
public class WorkerAccepting implements HealthCheck {

    private final JobWorker worker;
    private final RolesConfig roles;

    public WorkerAccepting(JobWorker worker, RolesConfig roles) {
        this.worker = worker;
        this.roles = roles;
    }

    @Override
    public HealthCheckResponse call() {
        boolean accepting = !roles.runs(Role.WORKER) || worker.accepting();
        return HealthCheckResponse.named("trawl-worker-accepting")
                .status(accepting)
                .withData("jobsInHand", worker.jobsInHand())
                .build();
    }
}
