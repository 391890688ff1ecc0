package dev.trawl.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** See {@link FollowableJob}. */
public class EventStreamPreconditions {

    private final JobLookup lookup;

    public EventStreamPreconditions(JobLookup lookup) {
        this.lookup = lookup;
    }

    @FollowableJob
    @ServerRequestFilter
    public Uni<Response> jobExistsAndLastEventIdIsValid(ContainerRequestContext request) {
        try {
            JobEventStream.parseLastEventId(request.getHeaderString("Last-Event-ID"));
            return lookup.state(request.getUriInfo().getPathParameters().getFirst("id"))
                    .replaceWith((Response) null)
                    .onFailure(ProblemException.class)
                    .recoverWithItem(e -> ProblemMappers.toResponse(((ProblemException) e).problem()));
        } catch (ProblemException e) {
            return Uni.createFrom().item(ProblemMappers.toResponse(e.problem()));
        }
    }
}
