package dev.trawl.api;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds to every operation of the OpenAPI document the answers every API request can get, whatever
 * its resource says: a refused key (401), an empty bucket (429 with the rate-limit headers), an
 * unreachable dependency (503), a fault of ours (500), and for a body the problems of reading it
 * (400, 413, 415). Every success carries the caller's rate-limit headers. Written once here so a
 * new endpoint cannot forget them.
 */
public class CommonProblemResponses implements OASFilter {

    private static final Map<String, String> EVERY_REQUEST = Map.of(
            "401", "Unauthorized",
            "404", "NotServedHere",
            "429", "RateLimited",
            "500", "InternalError",
            "503", "DependencyUnavailable");

    private static final Map<String, String> WITH_A_BODY = Map.of(
            "400", "InvalidRequest",
            "413", "BodyTooLarge",
            "415", "UnsupportedMediaType");

    private static final Map<String, String> RATE_LIMIT_HEADERS = Map.of(
            "X-RateLimit-Limit", "RateLimitLimit",
            "X-RateLimit-Remaining", "RateLimitRemaining",
            "X-RateLimit-Reset", "RateLimitReset");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            path.getOperations().values().forEach(CommonProblemResponses::complete);
        }
    }

    private static void complete(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        addMissing(responses, EVERY_REQUEST);
        if (operation.getRequestBody() != null) {
            addMissing(responses, WITH_A_BODY);
        }
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("2") && response.getRef() == null) {
                RATE_LIMIT_HEADERS.forEach((name, component) -> {
                    if (response.getHeaders() == null || !response.getHeaders().containsKey(name)) {
                        response.addHeader(
                                name, OASFactory.createObject(Header.class).ref(component));
                    }
                });
            }
        });
    }

    private static void addMissing(APIResponses responses, Map<String, String> answers) {
        answers.forEach((status, component) -> {
            if (!responses.hasAPIResponse(status)) {
                responses.addAPIResponse(
                        status, OASFactory.createObject(APIResponse.class).ref(component));
            }
        });
    }
}
