package dev.trawl.runtime;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Takes SmallRye Context Propagation out of Mutiny. With it, every callback of every Uni and Multi
 * is wrapped so that the CDI request context and the JTA transaction of the thread that built it
 * are captured and restored around each call; a job goes through a few hundred such callbacks, and
 * the wrapping cost a fifth of the worker's CPU. Nothing here needs it: no bean is request-scoped,
 * no JTA transaction exists (the JDBC side only runs migrations), and every read or write that
 * needs a Vert.x context gets it from Vert.x itself, not from propagation. The only callback
 * decorator Mutiny loads here is the context-propagation one (the class path was checked), so
 * clearing them removes exactly that; Mutiny's {@code mutiny.disableCallBackDecorators} system
 * property would do the same, but only if every launcher remembered to pass it.
 */
@ApplicationScoped
public class NoContextPropagationInMutiny {

    private static final Logger LOG = Logger.getLogger(NoContextPropagationInMutiny.class);

    void clear(@Observes @Priority(Integer.MIN_VALUE) StartupEvent event) {
        Infrastructure.clearInterceptors();
        LOG.debug("Mutiny callbacks are no longer wrapped for context propagation");
    }
}
