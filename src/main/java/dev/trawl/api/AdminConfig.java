package dev.trawl.api;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "trawl.admin")
public interface AdminConfig {

    /**
     * The value the {@code X-Admin-Token} header must carry on admin endpoints (dead letters,
     * re-drive). No default: while unset, admin endpoints answer 403.
     */
    Optional<String> token();
}
