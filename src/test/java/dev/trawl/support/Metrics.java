package dev.trawl.support;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading one sample from the Prometheus output at /q/metrics. */
public final class Metrics {

    private Metrics() {}

    /** The value of the sample with exactly this name and label text, or -1 if there is none. */
    public static double value(String name, String labels) {
        String body = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$")
                .matcher(body);
        return sample.find() ? Double.parseDouble(sample.group(1)) : -1;
    }
}
