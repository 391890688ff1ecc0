package dev.trawl.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A client of one platform process's API over plain HTTP, as a user's program would call it. */
public final class PlatformClient {

    /** One submit: the HTTP status (-1 when no answer came) and, when it was accepted, the job id. */
    public record Submitted(int status, String id, String error) {

        public boolean accepted() {
            return status == 202 && id != null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public PlatformClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Submitted submit(String url) {
        return submit(url, Map.of());
    }

    /** Submits the URL with more request members (e.g. {@code maxAttempts}). */
    public Submitted submit(String url, Map<String, Object> options) {
        try {
            Map<String, Object> members = new LinkedHashMap<>(options);
            members.put("url", url);
            String body = JSON.writeValueAsString(members);
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                return new Submitted(response.statusCode(), null, response.body());
            }
            JsonNode id = JSON.readTree(response.body()).get("id");
            return new Submitted(202, id == null ? null : id.asText(), null);
        } catch (IOException e) {
            return new Submitted(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Submitted(-1, null, e.toString());
        }
    }
}
