package dev.trawl.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trawl.job.Backoff;
import dev.trawl.roles.Role;
import dev.trawl.roles.RolesConfig;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.OutboundAddressGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Makes the webhook deliveries, on worker pods, apart from the jobs: a timer takes the due ones
 * ({@link WebhookQueue}), each is POSTed signed to its job's webhook through the same address
 * guard as a fetch, every attempt is recorded in the operation ledger, and a delivery ends
 * delivered, due again after a backoff, or a dead letter. A slow or dead receiver holds up only
 * its own deliveries (at most {@code concurrency} at once per pod), never a job.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final WebhookQueue queue;
    private final WebhookLedger ledger;
    private final WebhookSecrets secrets;
    private final OutboundAddressGuard guard;
    private final WebhookConfig config;
    private final RolesConfig roles;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final Backoff backoff;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final MeterRegistry registry;
    private final Counter retries;
    private final Counter deadLetters;
    private final Timer attemptDuration;
    private WebClient client;
    private volatile long timer = -1;

    public WebhookSender(
            WebhookQueue queue,
            WebhookLedger ledger,
            WebhookSecrets secrets,
            OutboundAddressGuard guard,
            WebhookConfig config,
            RolesConfig roles,
            Vertx vertx,
            ObjectMapper json,
            MeterRegistry registry) {
        this.queue = queue;
        this.ledger = ledger;
        this.secrets = secrets;
        this.guard = guard;
        this.config = config;
        this.roles = roles;
        this.vertx = vertx;
        this.json = json;
        this.registry = registry;
        this.backoff = new Backoff(
                config.initialBackoff(),
                config.maxBackoff(),
                ceiling -> ThreadLocalRandom.current().nextLong(ceiling + 1));
        this.retries = Counter.builder("trawl.webhook.retries")
                .description("Webhook attempts that failed and were scheduled again")
                .register(registry);
        this.deadLetters = Counter.builder("trawl.webhook.dead.letters")
                .description("Webhook deliveries given up on and kept as dead letters")
                .register(registry);
        this.attemptDuration = Timer.builder("trawl.webhook.attempt.duration")
                .description("How long one webhook attempt took, from the address check to the receiver's answer")
                .register(registry);
        for (String outcome : new String[] {"delivered", "failed", "refused"}) {
            attempts(outcome);
        }
        deliveries("delivered");
        deliveries("dead");
    }

    void start(@Observes StartupEvent event) {
        if (!roles.runs(Role.WORKER)) {
            return;
        }
        client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setUserAgent("Trawl-Webhooks/1.0")
                        .setConnectTimeout((int) config.timeout().toMillis())
                        .setMaxPoolSize(config.concurrency()));
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> poll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void poll() {
        int free = config.concurrency() - inFlight.get();
        if (free <= 0 || !polling.compareAndSet(false, true)) {
            return;
        }
        queue.take(free, config.claimTimeout())
                .subscribe()
                .with(
                        taken -> {
                            polling.set(false);
                            taken.forEach(this::start);
                        },
                        failure -> {
                            polling.set(false);
                            LOG.debugf("Could not take webhook deliveries: %s", failure.getMessage());
                        });
    }

    private void start(WebhookDelivery delivery) {
        inFlight.incrementAndGet();
        deliver(delivery)
                .onTermination()
                .invoke(inFlight::decrementAndGet)
                .subscribe()
                .with(
                        done -> {},
                        // left taken: it comes due again after the claim timeout
                        failure -> LOG.warnf(
                                "Webhook delivery of job %s event %s could not be settled: %s",
                                delivery.jobId(), delivery.eventId(), failure.getMessage()));
    }

    Uni<Void> deliver(WebhookDelivery delivery) {
        return ledger.target(delivery.jobId())
                .chain(target -> target.isEmpty()
                        ? queue.settle(delivery.member()) // the job is gone, or never had a webhook
                        : deliver(delivery, target.get()));
    }

    private Uni<Void> deliver(WebhookDelivery delivery, WebhookLedger.Target target) {
        if (delivery.attempt() > config.maxAttempts()) {
            // taken this often without ever being settled: its senders died on it
            return giveUp(delivery, target, "attempts-exhausted: no attempt finished");
        }
        return secrets.signing(target.owner() == null ? "" : target.owner())
                .chain(signing -> signing.isEmpty()
                        ? attemptFailed(
                                delivery,
                                target,
                                AttemptOutcome.failed(
                                        "no-webhook-secret: the job's owner has no webhook secret (POST /v1/webhook-secret/rotate)",
                                        false,
                                        0))
                        : post(delivery, target, signing.get()).chain(outcome -> settle(delivery, target, outcome)));
    }

    private Uni<AttemptOutcome> post(
            WebhookDelivery delivery, WebhookLedger.Target target, WebhookSecrets.SigningSecrets signing) {
        long start = System.nanoTime();
        String body = body(delivery);
        long timestamp = Instant.now().getEpochSecond();
        StringBuilder signature = new StringBuilder();
        for (String secret : signing.secrets()) {
            if (signature.length() > 0) {
                signature.append(' ');
            }
            signature.append(WebhookSignature.sign(secret, delivery.messageId(), timestamp, body));
        }
        URI uri;
        try {
            uri = new URI(target.webhook().url());
        } catch (URISyntaxException e) {
            return Uni.createFrom().item(AttemptOutcome.failed("invalid-url: the webhook URL is not valid", true, 0));
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return guard.checkUrl(uri)
                .chain(address -> {
                    var request = client.requestAbs(
                                    HttpMethod.POST,
                                    SocketAddress.inetSocketAddress(port, address.getHostAddress()),
                                    target.webhook().url())
                            .timeout(config.timeout().toMillis());
                    target.webhook().headers().forEach(request::putHeader);
                    return request.putHeader("Content-Type", "application/json")
                            .putHeader("webhook-id", delivery.messageId())
                            .putHeader("webhook-timestamp", Long.toString(timestamp))
                            .putHeader("webhook-signature", signature.toString())
                            .as(BodyCodec.none())
                            .sendBuffer(Buffer.buffer(body));
                })
                .map(response -> AttemptOutcome.answered(response.statusCode(), millisSince(start)))
                .onFailure()
                .recoverWithItem(failure -> failure instanceof FetchFailure fetch
                        ? AttemptOutcome.failed(
                                fetch.code() + ": " + fetch.getMessage(), !fetch.isTransient(), millisSince(start))
                        // the exception's message may name the address a host resolved to: not for the tenant
                        : AttemptOutcome.failed(
                                "connection: " + failure.getClass().getSimpleName(), false, millisSince(start)))
                .invoke(outcome -> attemptDuration.record(outcome.millis(), TimeUnit.MILLISECONDS));
    }

    private Uni<Void> settle(WebhookDelivery delivery, WebhookLedger.Target target, AttemptOutcome outcome) {
        if (!outcome.delivered()) {
            return attemptFailed(delivery, target, outcome);
        }
        attempts(outcome.label()).increment();
        return ledger.attempt(delivery, outcome.summary(), outcome.asJson(delivery.attempt()))
                .chain(() -> ledger.delivered(delivery, outcome.asJson(delivery.attempt())))
                .invoke(first -> {
                    if (first) {
                        deliveries("delivered").increment();
                    }
                })
                .chain(() -> queue.settle(delivery.member()));
    }

    private Uni<Void> attemptFailed(WebhookDelivery delivery, WebhookLedger.Target target, AttemptOutcome outcome) {
        attempts(outcome.label()).increment();
        Uni<Void> recorded = ledger.attempt(delivery, outcome.summary(), outcome.asJson(delivery.attempt()));
        if (outcome.permanent() || delivery.attempt() >= config.maxAttempts()) {
            return recorded.chain(() -> giveUp(delivery, target, outcome.summary()));
        }
        retries.increment();
        Duration wait = backoff.delay(delivery.attempt(), Optional.empty());
        return recorded.chain(() -> queue.retryAfter(delivery.member(), wait));
    }

    private Uni<Void> giveUp(WebhookDelivery delivery, WebhookLedger.Target target, String error) {
        return ledger.dead(delivery, target, error)
                .invoke(first -> {
                    if (first) {
                        deadLetters.increment();
                        deliveries("dead").increment();
                    }
                })
                .chain(() -> queue.settle(delivery.member()));
    }

    /** The JSON POSTed: the event's type as {@code job.<type>}, when it happened, and the job's event. */
    String body(WebhookDelivery delivery) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "job." + delivery.type());
        root.set("timestamp", delivery.event().path("at"));
        ObjectNode data = root.putObject("data");
        data.put("jobId", delivery.jobId().toString());
        data.put("event", delivery.type());
        data.put("eventId", delivery.eventId());
        if (delivery.event().has("data")) {
            data.set("details", delivery.event().get("data"));
        }
        String self = "/v1/jobs/" + delivery.jobId();
        ObjectNode links = data.putObject("links");
        links.put("self", self);
        links.put("events", self + "/events");
        links.put("result", self + "/result");
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A webhook body could not be written", e);
        }
    }

    private Counter attempts(String outcome) {
        return Counter.builder("trawl.webhook.attempts")
                .tag("outcome", outcome)
                .description("Webhook attempts by outcome: delivered (2xx), failed (other answer or none), refused"
                        + " (address not allowed, unusable URL)")
                .register(registry);
    }

    private Counter deliveries(String outcome) {
        return Counter.builder("trawl.webhook.deliveries")
                .tag("outcome", outcome)
                .description("Webhook deliveries ended, once per event: delivered, or dead (a dead letter)")
                .register(registry);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
