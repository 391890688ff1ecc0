package dev.trawl.api;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an event-stream endpoint whose job must exist and whose Last-Event-ID must be well
 * formed: {@link EventStreamPreconditions} answers 404 or 400 as problem+json before the
 * stream's headers are sent, which a failing stream could no longer do.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface FollowableJob {
}
