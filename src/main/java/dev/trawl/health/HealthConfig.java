package dev.trawl.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Thresholds and the time bound of the readiness components. See docs/operations.md, "Health". */
@ConfigMapping(prefix = "trawl.health")
public interface HealthConfig {

    /** How long one component may take before it counts as down; a probe never waits longer. */
    @WithDefault("2S")
    Duration timeout();

    Postgresql postgresql();

    Disk disk();

    Heap heap();

    interface Postgresql {
        /** A round trip slower than this reports degraded. */
        @WithDefault("500MS")
        Duration slowAfter();
    }

    interface Disk {
        /** The file system watched: the one the pod writes logs and temporary files to. */
        @WithDefault(".")
        String path();

        /** Degraded when less than this share of the disk is free, in percent. */
        @WithDefault("10")
        double warnBelowPercent();

        /** Down when less than this share of the disk is free, in percent. */
        @WithDefault("5")
        double failBelowPercent();
    }

    interface Heap {
        /** Degraded when more than this share of the maximum heap is in use, in percent. */
        @WithDefault("85")
        double warnAbovePercent();

        /** Down when more than this share of the maximum heap is in use, in percent. */
        @WithDefault("95")
        double failAbovePercent();
    }
}
