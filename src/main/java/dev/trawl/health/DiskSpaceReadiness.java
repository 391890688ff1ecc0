package dev.trawl.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The share of {@code trawl.health.disk.path}'s file system left free. */
@Readiness
@ApplicationScoped
public class DiskSpaceReadiness implements AsyncHealthCheck {

    static final String NAME = "trawl-disk";

    private final HealthConfig config;

    public DiskSpaceReadiness(HealthConfig config) {
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthConfig.Disk disk = config.disk();
        // a hung network file system blocks the caller: off the event loop, and bounded like the rest
        Uni<Verdict> probe = Uni.createFrom()
                .item(() -> percentFree(Path.of(disk.path())))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(free -> Verdict.ofShareFree(
                        "free on " + disk.path(), free, disk.warnBelowPercent(), disk.failBelowPercent()));
        return ComponentReport.of(NAME, config.timeout(), probe);
    }

    private static double percentFree(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            return 100.0 * store.getUsableSpace() / store.getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
