package dev.trawl.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.support.Jobs;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of every public endpoint: malformed JSON, wrong types, huge and deeply nested
 * values, odd headers, bad ids, offsets and Last-Event-IDs. Whatever a client sends, the answer
 * is never a 5xx, a 4xx is problem+json naming its status, no text of a request becomes a metric
 * tag, and a normal job submitted afterwards still succeeds. The seed is printed; run again with {@code -Dfuzz.seed=<seed>} to replay
 * the same requests ({@code -Dfuzz.requests=<n>} for a longer run). Every URL a generated
 * job could fetch is on the loopback stub site.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ApiFuzzIT {

    /** A few hundred by default; {@code -Dfuzz.requests} runs a longer hunt. */
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 400);

    private static final Duration BUDGET = Duration.ofSeconds(120);
    private static final StubSite SITE = new StubSite();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    /** One request the fuzzer made, enough to replay and report it. */
    private record Sent(int index, String method, String path, List<String> headers, String body, boolean latin1) {

        @Override
        public String toString() {
            String shown = body == null
                    ? ""
                    : " body="
                            + (body.length() > 300 ? body.substring(0, 300) + "…(" + body.length() + " chars)" : body);
            String path = this.path.length() > 300 ? this.path.substring(0, 300) + "…" : this.path;
            List<String> shownHeaders = headers.stream()
                    .map(h -> h.length() > 100 ? h.substring(0, 100) + "…(" + h.length() + " chars)" : h)
                    .toList();
            return "#" + index + " " + method + " " + path + " headers=" + shownHeaders + shown
                    + (latin1 ? " (body sent as ISO-8859-1: not UTF-8)" : "");
        }
    }

    @Test
    void noRequestAClientCanSendYieldsA5xxAndTheApiStillServesANormalJobAfterwards() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("ApiFuzzIT seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        SITE.html("/", "<title>fuzz</title><a href=\"/a\">a</a>");
        SITE.html("/a", "<title>a</title>");
        String known = Jobs.submit(SITE.url("/"));
        Jobs.awaitStatus(known, "succeeded");
        String admin = Keys.ADMIN_TOKEN;
        Fuzz fuzz = new Fuzz(random, known, SITE.url("/"));

        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int sent = 0;
        for (int i = 0; i < REQUESTS && System.nanoTime() < deadline; i++) {
            Sent request = fuzz.next(i, admin);
            String failure = check(request, statuses);
            sent++;
            if (failure != null) {
                failures.add(failure);
            }
        }
        System.out.println(
                "ApiFuzzIT sent " + sent + " requests with seed " + seed + "; answers by status: " + statuses);
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(sent).as("requests sent within " + BUDGET).isGreaterThanOrEqualTo(REQUESTS / 2);

        // a job no earlier one deduplicates
        // a client chooses the ids in paths: none of its text may become a metric tag (their number is capped)
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Set<String> uris = new TreeSet<>();
        Matcher tagged = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"")
                .matcher(metrics);
        while (tagged.find()) {
            uris.add(tagged.group(1));
        }
        System.out.println("ApiFuzzIT: http_server_requests uri tags " + uris);
        assertThat(uris)
                .as("seed " + seed)
                .isNotEmpty()
                .allMatch(uri -> uri.matches("(/[a-z0-9-]+|/\\{id})+|NOT_FOUND|REDIRECTION|root"));

        String after = Jobs.submit(Map.of("url", SITE.url("/a?after=" + seed), "dedupe", false));
        Jobs.awaitStatus(after, "succeeded");
    }

    /** Sends the request; a description of what is wrong with its answer, or null. */
    private String check(Sent request, Map<Integer, Integer> statuses) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create(base.toString().replaceAll("/$", "") + request.path()))
                .timeout(Duration.ofSeconds(20))
                .method(
                        request.method(),
                        request.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        request.body(),
                                        request.latin1() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        for (int h = 0; h + 1 < request.headers().size(); h += 2) {
            builder.header(request.headers().get(h), request.headers().get(h + 1));
        }
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return request + " -> no answer: " + e;
        }
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        String type = response.headers().firstValue("Content-Type").orElse("");
        byte[] body;
        try (InputStream in = response.body()) {
            // an event stream that opened is left at its head: the job may still be running
            body = type.startsWith("text/event-stream") ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            return request + " -> " + status + " and a broken body: " + e;
        }
        if (status >= 500 && !(status == 504 && request.path().equals("/scrape"))) {
            return request + " -> " + status + " " + new String(body, StandardCharsets.UTF_8);
        }
        // a request line or headers past the HTTP codec's limits are refused by Vert.x before any route
        // runs (quarkus.http.limits.*): a bare 414 or 431, which no handler of ours can dress as a problem
        boolean codecRefusal = (status == 414 || status == 431) && body.length == 0;
        if (status >= 400 && !codecRefusal) {
            if (!type.startsWith("application/problem+json")) {
                return request + " -> " + status + " as " + type + ", not problem+json: "
                        + new String(body, StandardCharsets.UTF_8);
            }
            try {
                JsonNode problem = JSON.readTree(body);
                if (problem.path("status").asInt() != status
                        || problem.path("title").asText().isBlank()) {
                    return request + " -> " + status + " with a problem that does not say so: " + problem;
                }
            } catch (IOException e) {
                return request + " -> " + status + " with a body that is not JSON";
            }
        }
        return null;
    }

    /** The generator: every choice comes from the seeded random, so a seed is a sequence of requests. */
    private static final class Fuzz {
        private final Random random;
        private final String knownJob;
        private final String stubUrl;

        Fuzz(Random random, String knownJob, String stubUrl) {
            this.random = random;
            this.knownJob = knownJob;
            this.stubUrl = stubUrl;
        }

        Sent next(int index, String adminToken) {
            List<String> headers = new ArrayList<>();
            String id = id();
            String method;
            String path;
            String body = null;
            switch (random.nextInt(16)) {
                case 0, 1, 2 -> {
                    method = "POST";
                    path = pick("/v1/jobs", "/scrape/async", "/scrape");
                    body = submission();
                }
                case 3 -> {
                    method = "POST";
                    path = "/v1/jobs/batch";
                    body = batch();
                }
                case 4 -> {
                    method = "GET";
                    path = random.nextBoolean() ? "/jobs/" + id + "/status" : "/v1/jobs/" + id;
                }
                case 5, 6 -> {
                    method = "GET";
                    path = random.nextBoolean()
                            ? "/v1/jobs/" + id + "/result?offset=" + number() + "&limit=" + number()
                            : "/jobs/" + id + "/result" + (random.nextBoolean() ? "?offset=" + number() : "");
                }
                case 7, 8 -> {
                    method = "GET";
                    path = pick("/v1/jobs/" + id + "/events", "/jobs/" + id + "/stream");
                    headers.add("Last-Event-ID");
                    headers.add(lastEventId());
                    if (random.nextBoolean()) {
                        headers.add("Accept");
                        headers.add(pick(
                                "text/event-stream",
                                "application/json",
                                "*/*",
                                "text/*;q=0.1",
                                "garbage/",
                                ";;;",
                                "text/event-stream;q=abc"));
                    }
                }
                case 9 -> {
                    method = pick("DELETE", "POST", "GET");
                    path = pick("/v1/jobs/" + id, "/v1/jobs/" + id + "/retry", "/v1/jobs/" + id + "/ops");
                    if (random.nextBoolean()) {
                        headers.add("X-Admin-Token");
                        headers.add(random.nextBoolean() ? adminToken : headerText(40));
                    }
                    if (method.equals("POST") && random.nextBoolean()) {
                        body = junkJson();
                    }
                }
                case 10 -> {
                    method = "GET";
                    path = "/v1/dead-letters?limit=" + number()
                            + (random.nextBoolean() ? "&after=" + encoded(text(30)) : "");
                    headers.add("X-Admin-Token");
                    headers.add(random.nextBoolean() ? adminToken : headerText(20));
                }
                case 11 -> {
                    method = pick("POST", "GET", "DELETE");
                    path = method.equals("DELETE") ? "/v1/admin/keys/" + id : "/v1/admin/keys";
                    headers.add("Authorization");
                    headers.add("Bearer " + (random.nextBoolean() ? adminToken : headerText(30)));
                    if (method.equals("POST")) {
                        body = random.nextBoolean()
                                ? junkJson()
                                : "{\"name\":" + value(2) + ",\"tier\":" + value(1) + "}";
                    }
                }
                case 12 -> {
                    // a method no endpoint takes
                    method = pick("PUT", "PATCH", "DELETE", "POST");
                    path = pick(
                            "/v1/jobs",
                            "/v1/jobs/" + id + "/result",
                            "/jobs/" + id + "/status",
                            "/scrape",
                            "/v1/jobs/" + id + "/events",
                            "/v1/dead-letters");
                    body = random.nextBoolean() ? junkJson() : null;
                }
                default -> {
                    method = "POST";
                    path = pick("/v1/jobs", "/scrape/async", "/v1/jobs/batch");
                    body = junkJson();
                }
            }
            if (body != null && random.nextInt(5) > 0) {
                headers.add("Content-Type");
                headers.add(
                        random.nextInt(4) > 0
                                ? "application/json"
                                : pick(
                                        "text/plain",
                                        "application/xml",
                                        "application/json; charset=latin1",
                                        "application/json;;;",
                                        "multipart/form-data; boundary=",
                                        "application/x-www-form-urlencoded",
                                        "*/*",
                                        "garbage"));
            }
            oddHeaders(headers);
            // now and then a body whose bytes are not UTF-8 (ISO-8859-1 of text with accents)
            boolean latin1 = body != null && random.nextInt(10) == 0;
            if (latin1) {
                body = body.replace("a", "\u00e9").replace("x", "\u00ff");
            }
            return new Sent(index, method, path, headers, body, latin1);
        }

        private void oddHeaders(List<String> headers) {
            // now and then: a request refused at the door (401) for its key reaches nothing else
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
            for (int i = 0; i < n; i++) {
                switch (random.nextInt(7)) {
                    case 0 -> {
                        headers.add("Authorization");
                        headers.add(pick(
                                "Bearer ",
                                "Bearer " + headerText(50),
                                "Basic " + headerText(20),
                                "bearer",
                                headerText(300),
                                "Bearer " + "x".repeat(5000)));
                    }
                    case 1 -> {
                        headers.add("X-API-Key");
                        headers.add(headerText(random.nextInt(100) + 1));
                    }
                    case 2 -> {
                        headers.add("Idempotency-Key");
                        headers.add(
                                random.nextBoolean()
                                        ? headerText(random.nextInt(400) + 1)
                                        : UUID.randomUUID().toString());
                    }
                    case 3 -> {
                        headers.add("X-Forwarded-For");
                        headers.add(pick("127.0.0.1", headerText(30), "::1, 10.0.0.1", "", "1.2.3.4, , ,"));
                    }
                    case 4 -> {
                        headers.add("Accept");
                        headers.add(
                                pick("application/json", "application/xml", "*/*;q=0", headerText(20), "text/html"));
                    }
                    case 5 -> {
                        headers.add("X-Admin-Token");
                        headers.add(headerText(random.nextInt(80) + 1));
                    }
                    default -> {
                        headers.add("Accept-Encoding");
                        headers.add(pick("gzip", "br", "identity;q=0", headerText(10)));
                    }
                }
            }
        }

        private String id() {
            return switch (random.nextInt(10)) {
                case 0, 1, 2 -> knownJob;
                case 3 -> UUID.randomUUID().toString();
                case 4 -> knownJob.toUpperCase();
                case 5 -> encoded(text(random.nextInt(60) + 1));
                case 6 -> "x".repeat(random.nextInt(3000) + 1);
                case 7 ->
                    pick(
                            "0",
                            "-1",
                            "null",
                            "00000000-0000-0000-0000-000000000000",
                            "%00",
                            "%ff%fe",
                            "..",
                            "%2e%2e",
                            "1e309",
                            "ffffffff-ffff-ffff-ffff-ffffffffffff",
                            "%E2%98%83");
                case 8 -> knownJob.substring(0, random.nextInt(knownJob.length()));
                default -> knownJob + pick("0", "-", "%20", "x");
            };
        }

        private String number() {
            return switch (random.nextInt(8)) {
                case 0 -> Integer.toString(random.nextInt(5));
                case 1 -> Integer.toString(random.nextInt(2000) - 500);
                case 2 ->
                    pick("99999999999999999999", "-99999999999999999999", "2147483647", "2147483648", "-2147483648");
                case 3 -> pick("abc", "1.5", "", "1e3", "0x10", "NaN", "%00");
                default -> Integer.toString(random.nextInt(100));
            };
        }

        private String lastEventId() {
            return switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> random.nextInt(2_000_000_000) + "-" + random.nextInt(100);
                case 2 -> pick("0-0", "0", "-", "1-", "-1", "1--1", "abc-def", " 1-1 ", "1-1-1", "1.5-0");
                case 3 -> "9".repeat(random.nextInt(40) + 1) + "-" + "9".repeat(random.nextInt(30) + 1);
                case 4 -> headerText(random.nextInt(200) + 1);
                case 5 -> "1".repeat(random.nextInt(5000) + 1);
                default -> (System.currentTimeMillis() - random.nextInt(100_000)) + "-0";
            };
        }

        private String submission() {
            StringBuilder body = new StringBuilder("{");
            body.append("\"url\":").append(random.nextInt(4) > 0 ? quote(url()) : value(3));
            String[] members = {
                "formats",
                "priority",
                "selectors",
                "crawl",
                "headers",
                "timeoutSeconds",
                "respectRobots",
                "render",
                "dedupe",
                "maxAttempts",
                "unknownMember"
            };
            for (String member : members) {
                if (random.nextInt(4) == 0) {
                    body.append(",\"").append(member).append("\":").append(member(member));
                }
            }
            String json = body.append("}").toString();
            return random.nextInt(6) == 0 ? mangle(json) : json;
        }

        private String member(String name) {
            if (random.nextInt(3) == 0) {
                return value(3);
            }
            return switch (name) {
                case "formats" ->
                    "["
                            + String.join(
                                    ",",
                                    List.of(
                                            quote(pick("text", "html", "links", "pdf")),
                                            quote(pick("markdown", "metadata", ""))))
                            + "]";
                case "priority" -> quote(pick("high", "normal", "low", "urgent", ""));
                case "selectors" ->
                    "{\"title\":"
                            + quote(pick("title", "h1 > a", ":matches(x)", "[", "a:has(b:has(c))", "*".repeat(200)))
                            + ",\"n\":" + value(2) + "}";
                case "crawl" ->
                    "{\"maxPages\":" + pick("1", "2", "0", "-1", "1e9", "\"3\"") + ",\"maxDepth\":"
                            + pick("0", "1", "-5", "99999999999") + ",\"include\":["
                            + quote(pick("/a", "(a+)+$", "[", ""))
                            + "],\"sameSite\":" + pick("true", "false", "\"yes\"", "null") + "}";
                case "headers" ->
                    "{" + quote(pick("X-Test", "", "Bad Header", "Host", "\u0000")) + ":"
                            + quote(pick("1", "\r\nInjected: yes", "x".repeat(5000))) + "}";
                case "timeoutSeconds", "maxAttempts" ->
                    pick("1", "0", "301", "-1", "1.5", "1e400", "\"5\"", "null", "99999999999999999999");
                default -> pick("true", "false", "null", "1", "\"true\"", "[]");
            };
        }

        private String url() {
            return switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> stubUrl + pick("", "a", "a?x=1", "missing", "a#frag");
                case 4 ->
                    pick(
                            "ftp://127.0.0.1/",
                            "javascript:alert(1)",
                            "http://",
                            "http://[::1",
                            "//127.0.0.1/",
                            "http://127.0.0.1:99999/",
                            "http://%zz/",
                            "file:///etc/passwd",
                            "http://127.0.0.1:0/");
                case 5 -> stubUrl + "x".repeat(random.nextInt(5000));
                case 6 -> stubUrl + text(30);
                case 7 -> "HTTP://127.0.0.1:" + SITE.port() + "/A";
                case 8 -> " " + stubUrl + " ";
                default -> text(random.nextInt(100));
            };
        }

        private String batch() {
            int n = random.nextInt(5);
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                jobs.add(random.nextInt(3) > 0 ? submission() : value(2));
            }
            String json = switch (random.nextInt(5)) {
                case 0 -> "{\"jobs\":" + value(2) + "}";
                case 1 -> "{\"jobs\":[]}";
                default -> "{\"jobs\":[" + String.join(",", jobs) + "]}";
            };
            return random.nextInt(6) == 0 ? mangle(json) : json;
        }

        /** JSON that is not what any endpoint wants: broken, deeply nested, huge or of the wrong shape. */
        private String junkJson() {
            return switch (random.nextInt(9)) {
                case 0 ->
                    pick(
                            "",
                            "{",
                            "[",
                            "\"",
                            "nul",
                            "{\"url\":",
                            "{'url':'x'}",
                            "{\"url\":\"a\",}",
                            "\u0000",
                            "{\"url\":\"\\ud800\"}",
                            "{\"url\":\"\\u00\"}");
                case 1 -> "[".repeat(random.nextInt(5000) + 1) + "]".repeat(random.nextInt(5000) + 1);
                case 2 -> "{\"url\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2000) + "}";
                case 3 -> "{\"url\":\"" + "x".repeat(random.nextInt(200_000)) + "\"}";
                case 4 -> "{\"url\":" + "9".repeat(random.nextInt(2000) + 1) + "}";
                case 5 -> "{\"url\":1e999999999}";
                case 6 -> value(4);
                case 7 -> "{" + "\"k\":1,".repeat(random.nextInt(20000)) + "\"url\":\"x\"}";
                default -> text(random.nextInt(500));
            };
        }

        /** A random JSON value of any type, nested up to {@code depth}. */
        private String value(int depth) {
            int kind = random.nextInt(depth > 0 ? 8 : 6);
            return switch (kind) {
                case 0 -> "null";
                case 1 -> Boolean.toString(random.nextBoolean());
                case 2 -> pick("0", "-1", "1.5e308", "-0", "123456789012345678901234567890", "1e-400");
                case 3 -> quote(text(random.nextInt(40)));
                case 4 -> quote("x".repeat(random.nextInt(70_000)));
                case 5 -> quote(pick("", "\\", "\u2028", "\ud83d\ude00", "<script>"));
                case 6 -> {
                    int n = random.nextInt(4);
                    List<String> items = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        items.add(value(depth - 1));
                    }
                    yield "[" + String.join(",", items) + "]";
                }
                default -> {
                    int n = random.nextInt(4);
                    List<String> members = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        members.add(quote(text(8)) + ":" + value(depth - 1));
                    }
                    yield "{" + String.join(",", members) + "}";
                }
            };
        }

        /** The JSON with a cut, a duplicated or a dropped character somewhere. */
        private String mangle(String json) {
            if (json.isEmpty()) {
                return "}";
            }
            int at = random.nextInt(json.length());
            return switch (random.nextInt(3)) {
                case 0 -> json.substring(0, at);
                case 1 -> json.substring(0, at) + json.charAt(at) + json.substring(at);
                default -> json.substring(0, at) + json.substring(at + 1);
            };
        }

        private String text(int length) {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                int c = switch (random.nextInt(6)) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> 0xa0 + random.nextInt(0x2000);
                    case 2 ->
                        pick("\"", "\\", "/", "%", "'", "<", "&", "?", "#").charAt(0);
                    default -> 'a' + random.nextInt(26);
                };
                text.append((char) c);
            }
            return text.toString();
        }

        /** Printable ASCII only: what an HTTP header value may carry. */
        private String headerText(int length) {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append((char) (0x21 + random.nextInt(0x5e)));
            }
            return text.toString();
        }

        private static String encoded(String text) {
            return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
        }

        private static String quote(String text) {
            StringBuilder quoted = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            quoted.append(String.format("\\u%04x", (int) c));
                        } else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }

        private String pick(String... choices) {
            return choices[random.nextInt(choices.length)];
        }
    }
}
