package dev.trawl.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;

/** Issues API keys through the admin API, as an operator would. */
public final class Keys {

    public static final String ADMIN_TOKEN = "test-admin-token";

    private Keys() {}

    /** The secret of a new key of the tier. */
    public static String issue(String name, String tier) {
        // as the bootstrap admin key, which no rate limit applies to
        return given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .body(Map.of("name", name, "tier", tier))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }
}
