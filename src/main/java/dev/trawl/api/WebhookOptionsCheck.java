package dev.trawl.api;

import dev.trawl.events.EventType;
import dev.trawl.job.WebhookSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a submit's {@code webhook} beyond its annotations: an absolute http(s) URL without
 * credentials, event names the event log writes, and headers that neither break HTTP (hop-by-hop,
 * framing) nor forge or hide the signature. Each refusal is a 400 naming the member.
 */
final class WebhookOptionsCheck {

    /** Without {@code events}, a webhook hears how its job ended. */
    static final List<String> DEFAULT_EVENTS = List.of("succeeded", "failed", "cancelled", "aborted");

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** Ours to set: HTTP framing and hop-by-hop headers, the body's type, and the signature's. */
    private static final Set<String> RESERVED = Set.of(
            "host",
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "content-type",
            "content-encoding",
            "expect",
            "user-agent");

    /** Credentials would be stored with the job in clear; the signature is how a receiver knows us. */
    private static final Set<String> SECRET_BEARING = Set.of("authorization", "proxy-authorization", "cookie");

    private WebhookOptionsCheck() {}

    static WebhookSpec toSpec(JobSubmission.WebhookOptions hook) {
        return new WebhookSpec(url(hook.url().trim()), events(hook.events()), headers(hook.headers()));
    }

    private static String url(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ProblemException.badRequest("webhook.url", "webhook.url: is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw ProblemException.badRequest("webhook.url", "webhook.url: must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw ProblemException.badRequest(
                    "webhook.url",
                    "webhook.url: must not carry credentials; receivers verify the webhook-signature header instead");
        }
        if (uri.getRawFragment() != null) {
            throw ProblemException.badRequest("webhook.url", "webhook.url: must not have a fragment");
        }
        return uri.toString();
    }

    private static List<String> events(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return DEFAULT_EVENTS;
        }
        List<String> known =
                Arrays.stream(EventType.values()).map(EventType::wireName).toList();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            if (!known.contains(name)) {
                String field = "webhook.events[" + i + "]";
                throw ProblemException.badRequest(field, field + ": must be one of " + String.join(", ", known));
            }
            if (!events.contains(name)) {
                events.add(name);
            }
        }
        return events;
    }

    private static Map<String, String> headers(Map<String, String> requested) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (requested == null) {
            return headers;
        }
        requested.forEach((name, value) -> {
            String field = "webhook.headers." + name;
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(name).matches()) {
                throw ProblemException.badRequest(field, field + ": names are letters, digits and '-', at most 64");
            }
            if (RESERVED.contains(lower) || lower.startsWith("webhook-") || lower.startsWith("proxy-")) {
                throw ProblemException.badRequest(
                        field,
                        field
                                + ": may not be set: hop-by-hop, framing and webhook-* signature headers are ours to set");
            }
            if (SECRET_BEARING.contains(lower)) {
                throw ProblemException.badRequest(
                        field,
                        field + ": may not be set: it would be stored with the job in clear; receivers verify the"
                                + " webhook-signature header instead");
            }
            if (value == null
                    || value.length() > 1024
                    || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw ProblemException.badRequest(field, field + ": must be a single line of at most 1024 characters");
            }
            headers.put(name, value);
        });
        return headers;
    }
}
