package dev.trawl.redis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "trawl.redis")
public interface RedisConfig {

    /** Prefix of every key and channel the platform writes, so several deployments or tests can share a server. */
    @WithDefault("trawl:")
    String keyPrefix();
}
