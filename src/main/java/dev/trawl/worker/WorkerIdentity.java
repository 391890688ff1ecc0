package dev.trawl.worker;

import dev.trawl.queue.ProcessName;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The name this worker process holds leases under: host, pid and a random suffix, unique per start. */
@ApplicationScoped
public class WorkerIdentity {

    private final String name;

    public WorkerIdentity() {
        this.name =
                ProcessName.hostAndPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String name() {
        return name;
    }
}
