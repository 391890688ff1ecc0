package dev.trawl.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One event of one job to POST to its webhook, as taken from the due set: {@code member} is how
 * the due set knows it, {@code attempt} counts the takes (1 for the first).
 */
record WebhookDelivery(String member, int attempt, UUID jobId, String eventId, String type, JsonNode event) {

    /** The {@code webhook-id}: the same for every attempt of one event, unique across events and jobs. */
    String messageId() {
        return "msg_" + jobId + "_" + eventId;
    }
}
