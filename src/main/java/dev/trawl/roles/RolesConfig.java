package dev.trawl.roles;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

@ConfigMapping(prefix = "trawl")
public interface RolesConfig {

    /** {@code api}, {@code worker} or both (the default, so one JVM runs the whole platform). */
    @WithDefault("api,worker")
    Set<Role> roles();

    default boolean runs(Role role) {
        return roles().contains(role);
    }
}
