package dev.trawl.job;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of jobs and their pages, for the API. */
@ApplicationScoped
public class JobQueries {

    @WithSession
    public Uni<Optional<Job>> find(UUID id) {
        return Job.<Job>findById(id).map(Optional::ofNullable);
    }

    @WithSession
    public Uni<Long> countPages(UUID jobId) {
        return PageRecord.count("jobId", jobId);
    }

    @WithSession
    public Uni<List<PageRecord>> pages(UUID jobId, int offset, int limit) {
        return PageRecord.<PageRecord>find("jobId", Sort.by("id"), jobId)
                .range(offset, offset + limit - 1)
                .list();
    }
}
