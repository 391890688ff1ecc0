package dev.trawl.worker;

import dev.trawl.queue.RedisStreamsConnector;
import dev.trawl.queue.RedisStreamsIncomingChannel;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;

/** Says at startup when the lease and the queue's claim timings would slow the recovery of a dead worker's jobs. */
@ApplicationScoped
public class RecoveryTimingsCheck {

    private static final Logger LOG = Logger.getLogger(RecoveryTimingsCheck.class);

    private final RedisStreamsConnector connector;
    private final WorkerConfig config;
    private final RolesConfig roles;

    public RecoveryTimingsCheck(
            @Connector(RedisStreamsConnector.NAME) RedisStreamsConnector connector,
            WorkerConfig config,
            RolesConfig roles) {
        this.connector = connector;
        this.config = config;
        this.roles = roles;
    }

    // after JobWorker.start (default priority) has subscribed, so the channel exists
    void check(@Observes @Priority(5000) StartupEvent event) {
        if (!roles.runs(Role.WORKER)) {
            return;
        }
        for (RedisStreamsIncomingChannel channel : connector.incomingChannels()) {
            RecoveryTimings timings =
                    new RecoveryTimings(config.lease(), channel.claimMinIdle(), channel.claimInterval());
            if (timings.verdict() == RecoveryTimings.Verdict.TAKE_OVER_MAY_MEET_LIVE_LEASE) {
                LOG.warnf(
                        "Channel %s: claim-min-idle-ms (%d) is under trawl.worker.lease (%s) plus claim-interval-ms (%d):"
                                + " a dead worker's entry may be taken over before its job's lease ran out, and the job then"
                                + " waits for the reaper",
                        channel.channel(),
                        timings.claimMinIdle().toMillis(),
                        timings.lease(),
                        timings.claimInterval().toMillis());
            } else {
                LOG.infof(
                        "Channel %s: a dead worker's jobs are taken over %s to %s after its death",
                        channel.channel(), timings.lease(), timings.latestTakeOver());
            }
        }
    }
}
