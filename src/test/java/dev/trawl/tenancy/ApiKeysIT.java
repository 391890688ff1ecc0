package dev.trawl.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.trawl.job.Sha256;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ApiKeysIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static ValidatableResponse submitWith(String header, String value) {
        return given().contentType(ContentType.JSON)
                .header(header, value)
                .body(Map.of("url", SITE.url("/keyed/" + UUID.randomUUID()), "dedupe", false))
                .when()
                .post("/v1/jobs")
                .then();
    }

    private static void unauthorized(ValidatableResponse response, String type) {
        response.statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("https://trawl.dev/problems/" + type))
                .body("field", equalTo("Authorization"));
    }

    @Test
    void aKeyIsShownOnceStoredOnlyAsItsHashAndWorksBothWays() {
        var created = given().contentType(ContentType.JSON)
                .header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .body(Map.of("name", "shop crawler", "tier", "premium"))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .header("Location", notNullValue())
                .body("name", equalTo("shop crawler"))
                .body("tier", equalTo("premium"))
                .extract();
        String key = created.path("key");
        String id = created.path("id");
        assertThat(key).startsWith("trawl_").hasSizeGreaterThanOrEqualTo("trawl_".length() + 43);

        String listed = given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/admin/keys")
                .then()
                .statusCode(200)
                .body("keys.id", hasItem(id))
                .extract()
                .asString();
        assertThat(listed).doesNotContain(key);
        assertThat(Submits.sql(
                        "SELECT count(*) FROM api_keys WHERE id = ?::uuid AND key_hash = ?", id, Sha256.hex(key)))
                .isEqualTo("1");
        assertThat(Submits.sql("SELECT count(*) FROM api_keys WHERE row(api_keys.*)::text LIKE ?", "%" + key + "%"))
                .isEqualTo("0");

        submitWith("Authorization", "Bearer " + key).statusCode(202);
        submitWith("X-API-Key", key).statusCode(202);
        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/admin/keys")
                .then()
                .body("keys.find { it.id == '" + id + "' }.lastUsedAt", notNullValue());
    }

    @Test
    void anUnknownKeyIsRefusedNeverTakenForAnonymous() {
        String guess = "trawl_" + "x".repeat(43);
        unauthorized(submitWith("Authorization", "Bearer " + guess), "api-key-invalid");
        unauthorized(submitWith("X-API-Key", guess), "api-key-invalid");
        unauthorized(submitWith("Authorization", "Basic dXNlcjpwYXNz"), "authorization-unsupported");
        String body = submitWith("X-API-Key", guess).extract().asString();
        assertThat(body).doesNotContain(guess);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        var created = given().contentType(ContentType.JSON)
                .header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .body(Map.of("name", "to revoke"))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .body("tier", equalTo("api-key"))
                .extract();
        String key = created.path("key");
        submitWith("Authorization", "Bearer " + key).statusCode(202);

        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .delete("/v1/admin/keys/" + created.path("id"))
                .then()
                .statusCode(204);

        unauthorized(submitWith("Authorization", "Bearer " + key), "api-key-invalid");
        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/admin/keys")
                .then()
                .body("keys.find { it.id == '" + created.path("id") + "' }.revokedAt", notNullValue());
    }

    @Test
    void onlyAdminsManageKeys() {
        String plain = Keys.issue("plain", "api-key");
        String admin = Keys.issue("operator", "admin");

        given().header("Authorization", "Bearer " + plain)
                .when()
                .get("/v1/admin/keys")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/admin-required"));
        given().when().get("/v1/admin/keys").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + admin)
                .when()
                .get("/v1/admin/keys")
                .then()
                .statusCode(200);
        // the bootstrap token is an admin key too, on the new endpoints and the old ones
        given().header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/admin/keys")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/dead-letters")
                .then()
                .statusCode(200);
    }

    @Test
    void badRequestsToKeyManagementAreProblems() {
        for (String tier : new String[] {"anonymous", "gold"}) {
            given().contentType(ContentType.JSON)
                    .header("X-Admin-Token", Keys.ADMIN_TOKEN)
                    .body(Map.of("name", "x", "tier", tier))
                    .when()
                    .post("/v1/admin/keys")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("tier"));
        }
        given().contentType(ContentType.JSON)
                .header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .body(Map.of("name", " "))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .delete("/v1/admin/keys/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .delete("/v1/admin/keys/not-a-uuid")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void probesAreNotIdentified() {
        given().header("Authorization", "Bearer nonsense")
                .when()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .body(not(equalTo("")));
    }
}
