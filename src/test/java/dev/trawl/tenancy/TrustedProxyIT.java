package dev.trawl.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Behind a trusted proxy, anonymous clients are told apart by the address it forwards. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(TrustedProxyIT.LoopbackIsTheProxy.class)
class TrustedProxyIT {

    public static class LoopbackIsTheProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ForwardedAddress.forwardingFrom("127.0.0.1");
        }
    }

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void clientsBehindTheProxyAreDifferentCallers() {
        String key = UUID.randomUUID().toString();
        String url = SITE.url("/behind-proxy");

        String first = ForwardedAddress.submitAs("198.51.100.1", key, url);
        String retried = ForwardedAddress.submitAs("198.51.100.1", key, url);
        String other = ForwardedAddress.submitAs("198.51.100.2", key, url);

        assertThat(retried).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }
}
