package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * With private networks refused (the production default), no spelling of a loopback address and
 * no redirect reaches our own machine. Only loopback sites exist here; private, link-local and
 * metadata ranges are covered by {@code AddressClassifierTest} without sending a packet.
 */
@QuarkusTest
@TestProfile(OutboundGuardIT.PrivateNetworksRefused.class)
class OutboundGuardIT {

    public static class PrivateNetworksRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.fetch.allow-private-networks", "false",
                    "trawl.fetch.allow-list", "127.0.0.2/32");
        }
    }

    private static final StubSite INSIDE = new StubSite("127.0.0.1");
    private static final StubSite TRUSTED = new StubSite("127.0.0.2");

    @AfterAll
    static void stopSites() {
        INSIDE.close();
        TRUSTED.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "2130706433", "[::ffff:127.0.0.1]"})
    void everySpellingOfLoopbackIsRefused(String host) {
        INSIDE.html("/secret", "<title>internal</title>");
        String id = Jobs.submit("http://" + host + ":" + INSIDE.port() + "/secret");
        Jobs.awaitStatus(id, "failed");
        given().when().get("/v1/jobs/" + id).then()
                .body("error.code", equalTo("blocked-address"))
                .body("error.transient", equalTo(false))
                .body("error.message", containsString("loopback"));
        assertThat(INSIDE.hits("/secret")).isZero();
    }

    @Test
    void aRedirectIntoOurOwnNetworkIsRefusedAtThatHop() {
        INSIDE.html("/admin", "<title>admin</title>");
        TRUSTED.redirect("/jump", INSIDE.url("/admin"));
        String id = Jobs.submit(TRUSTED.url("/jump"));
        Jobs.awaitStatus(id, "failed");
        given().when().get("/v1/jobs/" + id).then().body("error.code", equalTo("blocked-address"));
        assertThat(TRUSTED.hits("/jump")).isEqualTo(1);
        assertThat(INSIDE.hits("/admin")).isZero();
    }

    @Test
    void anAllowListedAddressIsFetched() {
        TRUSTED.html("/ok", "<title>trusted</title>");
        Jobs.awaitStatus(Jobs.submit(TRUSTED.url("/ok")), "succeeded");
    }
}
