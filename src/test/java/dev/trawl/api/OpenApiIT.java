package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /q/openapi describes every public path with the errors it can answer, and names every problem
 * type the code can emit; docs/api.md lists the same types.
 */
@QuarkusTest
class OpenApiIT {

    private static final String TYPE_BASE = "https://trawl.dev/problems/";

    /** Every path of the API: JAX-RS resources and the Vert.x event-stream routes alike. */
    private static final Set<String> PUBLIC_PATHS = Set.of(
            "/v1/jobs",
            "/v1/jobs/batch",
            "/v1/jobs/{id}",
            "/v1/jobs/{id}/result",
            "/v1/jobs/{id}/retry",
            "/v1/jobs/{id}/ops",
            "/v1/jobs/{id}/events",
            "/v1/dead-letters",
            "/v1/admin/keys",
            "/v1/admin/keys/{id}",
            "/v1/schedules",
            "/v1/schedules/{id}",
            "/v1/schedules/{id}/pause",
            "/v1/schedules/{id}/resume",
            "/v1/stats",
            "/v1/admin/queues",
            "/v1/admin/queues/{priority}/pause",
            "/v1/admin/dead-letters/redrive",
            "/v1/admin/dead-letters/delete",
            "/v1/admin/jobs/cancel",
            "/v1/admin/keys/{id}/webhook-secret/rotate",
            "/v1/admin/webhook-dead-letters",
            "/v1/webhook-secret",
            "/v1/webhook-secret/rotate",
            "/scrape/async",
            "/scrape",
            "/jobs/{id}/status",
            "/jobs/{id}/result",
            "/jobs/{id}/stream");

    /**
     * The types the generic mapper derives from a framework's status (ProblemMappers#http): these are
     * not written out in our sources, so they are named here.
     */
    private static final Set<String> FRAMEWORK_TYPES =
            Set.of("not-found", "method-not-allowed", "not-acceptable", "unsupported-media-type");

    private static final Pattern PROBLEM_OF = Pattern.compile("Problem\\.of\\(\\s*\\d{3}\\s*,\\s*\"([a-z0-9-]+)\"");

    private static JsonPath document;

    /** Once per class; not in @BeforeAll, which runs before the test port is known. */
    @BeforeEach
    void fetch() {
        if (document != null) {
            return;
        }
        document = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void everyPublicPathIsDescribedAndNothingElse() {
        Map<String, Object> paths = document.getMap("paths");
        assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(PUBLIC_PATHS);
    }

    @Test
    void everyOperationAnswersTheErrorsEveryRequestCanMeet() {
        for (Map.Entry<String, Map<String, Object>> operation : operations().entrySet()) {
            assertThat(responses(operation.getValue()).keySet())
                    .as(operation.getKey())
                    .contains("401", "404", "429", "500", "503");
            for (Map.Entry<String, Object> response :
                    responses(operation.getValue()).entrySet()) {
                if (!response.getKey().startsWith("2")) {
                    assertThat(problemTypesOf(response.getValue()))
                            .as(operation.getKey() + " " + response.getKey())
                            .isNotEmpty();
                }
            }
        }
    }

    @Test
    void eachOperationListsItsOwnErrors() {
        assertErrors("post /v1/jobs", "400", "403", "409", "413", "415", "422", "429", "503");
        assertErrors("post /v1/jobs/batch", "400", "409", "413", "415", "422", "429", "503");
        assertErrors("get /v1/jobs/{id}", "404");
        assertErrors("get /v1/jobs/{id}/result", "400", "404", "409");
        assertErrors("delete /v1/jobs/{id}", "404", "409");
        assertErrors("post /v1/jobs/{id}/retry", "401", "403", "404", "409");
        assertErrors("get /v1/dead-letters", "400", "401", "403");
        assertErrors("post /v1/admin/keys", "400", "401", "403", "413", "415");
        assertErrors("delete /v1/admin/keys/{id}", "401", "403", "404");
        assertErrors("post /v1/schedules", "400", "403", "409");
        assertErrors("get /v1/schedules/{id}", "404");
        assertErrors("post /v1/schedules/{id}/pause", "404");
        assertErrors("delete /v1/schedules/{id}", "404");
        assertErrors("get /v1/jobs/{id}/events", "400", "404", "405", "406", "429", "503");
        assertErrors("get /jobs/{id}/stream", "400", "404", "405", "406", "429", "503");
        assertErrors("post /scrape", "400", "403", "429", "503", "504");
        assertThat(problemTypesOf(
                        responses(operations().get("post /v1/jobs/{id}/retry")).get("409")))
                .containsExactly(TYPE_BASE + "job-not-redrivable");
        assertThat(problemTypesOf(responses(operations().get("post /v1/jobs")).get("429")))
                .containsExactlyInAnyOrder(TYPE_BASE + "rate-limited", TYPE_BASE + "queue-quota-exceeded");
        assertThat(problemTypesOf(
                        responses(operations().get("get /v1/jobs/{id}/events")).get("429")))
                .containsExactly(TYPE_BASE + "too-many-streams");
    }

    @Test
    void theHeadersAClientSendsAreParametersOfTheOperationsThatReadThem() {
        assertThat(headerParameters("post /v1/jobs")).contains("Idempotency-Key");
        assertThat(headerParameters("post /scrape/async")).contains("Idempotency-Key");
        assertThat(headerParameters("post /v1/jobs")).contains("traceparent");
        assertThat(headerParameters("post /v1/jobs/batch")).contains("traceparent");
        assertThat(headerParameters("post /scrape/async")).contains("traceparent");
        assertThat(headerParameters("post /scrape")).contains("traceparent");
        assertThat(headerParameters("get /v1/jobs/{id}/events")).contains("Last-Event-ID");
        assertThat(headerParameters("get /v1/dead-letters")).contains("X-Admin-Token");
        assertThat(headerParameters("post /v1/admin/keys")).contains("X-Admin-Token");
        assertThat(document.getMap("components.securitySchemes").keySet()).contains("bearer", "apiKey");
        Map<String, Object> accepted =
                responses(operations().get("post /v1/jobs")).get("202") instanceof Map<?, ?> m ? cast(m) : Map.of();
        assertThat(cast(accepted.get("headers")).keySet())
                .contains("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
    }

    @Test
    void aSubmitsBodyAndAnswerComeWithExamples() {
        assertThat(document.getMap("components.schemas.JobSubmission.examples[0]"))
                .containsKey("url");
        assertThat(document.getMap("components.schemas.Accepted.examples[0]")).containsEntry("status", "queued");
        assertThat(document.getMap("components.schemas.Status.examples[0]")).containsKey("error");
    }

    @Test
    void theProblemSchemaNamesEveryTypeTheCodeEmitsAndEveryExampleUsesOne() throws IOException {
        Set<String> declared = new TreeSet<>(document.getList("components.schemas.Problem.properties.type.enum"));
        Set<String> emitted =
                emittedTypes().stream().map(slug -> TYPE_BASE + slug).collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).isEqualTo(emitted);
        Map<String, Object> components = document.getMap("components.responses");
        for (Map.Entry<String, Object> response : components.entrySet()) {
            Set<String> examples = problemTypesOf(response.getValue());
            if (!response.getKey().equals("EventStream")) {
                assertThat(examples).as(response.getKey()).isNotEmpty();
                assertThat(declared).as(response.getKey()).containsAll(examples);
            }
        }
    }

    @Test
    void theApiDocumentListsEveryProblemType() throws IOException {
        String errors = Files.readString(Path.of("docs/api.md")).split("## Errors", 2)[1];
        for (String slug : emittedTypes()) {
            assertThat(errors).as(slug).contains("`" + slug + "`");
        }
    }

    @Test
    void theFrameworkTypesAreWhatAClientReallyGets() {
        given().when()
                .get("/v1/no-such-path")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo(TYPE_BASE + "not-found"));
        given().contentType("text/plain")
                .body("x")
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(415)
                .body("type", org.hamcrest.Matchers.equalTo(TYPE_BASE + "unsupported-media-type"));
        given().when()
                .put("/v1/jobs")
                .then()
                .statusCode(405)
                .body("type", org.hamcrest.Matchers.equalTo(TYPE_BASE + "method-not-allowed"));
        given().accept("text/csv")
                .when()
                .get("/v1/jobs/" + java.util.UUID.randomUUID())
                .then()
                .statusCode(406)
                .body("type", org.hamcrest.Matchers.equalTo(TYPE_BASE + "not-acceptable"));
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    /** The slugs of every {@code Problem.of(status, "slug", ...)} in the main sources, and the framework's. */
    private static Set<String> emittedTypes() throws IOException {
        Set<String> slugs = new TreeSet<>(FRAMEWORK_TYPES);
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = PROBLEM_OF.matcher(Files.readString(source));
                while (matcher.find()) {
                    slugs.add(matcher.group(1));
                }
            }
        }
        return slugs;
    }

    private static void assertErrors(String operation, String... statuses) {
        assertThat(operations()).containsKey(operation);
        assertThat(responses(operations().get(operation)).keySet())
                .as(operation)
                .contains(statuses);
    }

    private static Set<String> headerParameters(String operation) {
        List<Object> parameters =
                operations().get(operation).get("parameters") instanceof List<?> list ? List.copyOf(list) : List.of();
        return parameters.stream()
                .map(OpenApiIT::resolve)
                .filter(p -> "header".equals(p.get("in")))
                .map(p -> (String) p.get("name"))
                .collect(Collectors.toSet());
    }

    /** "method path" to its operation. */
    private static Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> operations = new java.util.TreeMap<>();
        Map<String, Object> paths = document.getMap("paths");
        paths.forEach((path, item) -> cast(item).forEach((method, operation) -> {
            if (operation instanceof Map<?, ?> map && map.containsKey("responses")) {
                operations.put(method + " " + path, cast(map));
            }
        }));
        return operations;
    }

    private static Map<String, Object> responses(Map<String, Object> operation) {
        return cast(operation.get("responses"));
    }

    /** The problem types a response's examples carry, following a $ref to its component. */
    private static Set<String> problemTypesOf(Object response) {
        Map<String, Object> resolved = resolve(response);
        Map<String, Object> content = cast(resolved.get("content"));
        Map<String, Object> problem = cast(content.get("application/problem+json"));
        Set<String> types = new TreeSet<>();
        if (problem.get("example") instanceof Map<?, ?> example) {
            types.add((String) example.get("type"));
        }
        cast(problem.get("examples")).values().forEach(named -> {
            if (cast(named).get("value") instanceof Map<?, ?> value) {
                types.add((String) value.get("type"));
            }
        });
        return types;
    }

    private static Map<String, Object> resolve(Object node) {
        Map<String, Object> map = cast(node);
        if (map.get("$ref") instanceof String ref) {
            return cast(document.getMap(ref.substring(2).replace('/', '.')));
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
