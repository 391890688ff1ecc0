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

/** A forwarding header from a peer that is not a trusted proxy changes nothing: clients cannot pick their address. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(UntrustedProxyIT.OnlyAnotherHostIsTheProxy.class)
class UntrustedProxyIT {

    public static class OnlyAnotherHostIsTheProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ForwardedAddress.forwardingFrom("192.0.2.10");
        }
    }

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aSpoofedForwardedForIsIgnored() {
        String key = UUID.randomUUID().toString();
        String url = SITE.url("/spoofed");

        String first = ForwardedAddress.submitAs("198.51.100.1", key, url);
        String spoofed = ForwardedAddress.submitAs("198.51.100.2", key, url);

        assertThat(spoofed).isEqualTo(first);
    }
}
