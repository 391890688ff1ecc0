package dev.trawl.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** An API pod accepts and queues jobs but never consumes them: that is the workers' job. */
@QuarkusTest
@TestProfile(ApiOnlyRoleIT.ApiOnly.class)
class ApiOnlyRoleIT {

    public static class ApiOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.roles", "api", "trawl.redis.key-prefix", TestServices.KEY_PREFIX + "api-only:");
        }
    }

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void acceptedJobsWaitOnTheStreamUntouched() {
        SITE.html("/wait", "<title>wait</title>");
        String id = Jobs.submit(SITE.url("/wait"));
        String stream = TestServices.KEY_PREFIX + "api-only:jobs:normal";
        try (RedisCli redis = new RedisCli()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> (Long) redis.call("XLEN", stream) == 1);
            // nobody in this process joins the group or reads the entry, however long we look
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Jobs.status(id).equals("queued") && !hasGroup(redis, stream));
        }
        assertThat(SITE.hits("/wait")).isZero();
    }

    private static boolean hasGroup(RedisCli redis, String stream) {
        return !((List<?>) redis.call("XINFO", "GROUPS", stream)).isEmpty();
    }
}
