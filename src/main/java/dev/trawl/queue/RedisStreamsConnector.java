package dev.trawl.queue;

import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.INCOMING;
import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.INCOMING_AND_OUTGOING;
import static io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction.OUTGOING;

import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.connector.OutboundConnector;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReporter;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

/**
 * A SmallRye Reactive Messaging connector for Redis Streams with consumer groups.
 *
 * <p>Incoming channels read one or more streams in priority order (the first stream listed is
 * served first) with XREADGROUP, acknowledge with XACK and take over entries left pending by a
 * dead consumer with XAUTOCLAIM, following its cursor through the whole pending list, and delete
 * consumers that own nothing and have been idle for long (dead ones). Outgoing channels append with XADD and an approximate MAXLEN.
 */
@ApplicationScoped
@Connector(RedisStreamsConnector.NAME)
@ConnectorAttribute(
        name = "redis-url",
        type = "string",
        direction = INCOMING_AND_OUTGOING,
        mandatory = true,
        description = "Redis connection string, e.g. redis://127.0.0.1:6379")
@ConnectorAttribute(
        name = "redis-password",
        type = "string",
        direction = INCOMING_AND_OUTGOING,
        description =
                "Redis password when redis-url carries none (application.properties passes quarkus.redis.password)")
@ConnectorAttribute(
        name = "tls-configuration-name",
        type = "string",
        direction = INCOMING_AND_OUTGOING,
        description = "Named TLS configuration (quarkus.tls.<name>.*) for a rediss:// redis-url: trust store, client"
                + " certificate, host name check (application.properties passes quarkus.redis.tls-configuration-name)")
@ConnectorAttribute(
        name = "streams",
        type = "string",
        direction = INCOMING,
        mandatory = true,
        description = "Comma-separated stream keys, highest priority first")
@ConnectorAttribute(
        name = "group",
        type = "string",
        direction = INCOMING,
        defaultValue = "workers",
        description = "Consumer group, created with MKSTREAM at startup")
@ConnectorAttribute(
        name = "consumer",
        type = "string",
        direction = INCOMING,
        description = "Consumer name; defaults to host name and process id, stable for the life of a pod")
@ConnectorAttribute(
        name = "batch-size",
        type = "int",
        direction = INCOMING,
        defaultValue = "32",
        description = "COUNT of one XREADGROUP")
@ConnectorAttribute(
        name = "block-ms",
        type = "int",
        direction = INCOMING,
        defaultValue = "2000",
        description = "BLOCK of the XREADGROUP issued when every stream is empty")
@ConnectorAttribute(
        name = "claim-min-idle-ms",
        type = "long",
        direction = INCOMING,
        defaultValue = "18000",
        description = "Entries pending longer than this are taken over from their consumer with XAUTOCLAIM; at"
                + " least trawl.worker.lease plus claim-interval-ms, so the job's lease has run out by then")
@ConnectorAttribute(
        name = "claim-interval-ms",
        type = "long",
        direction = INCOMING,
        defaultValue = "3000",
        description = "How often XAUTOCLAIM runs and this consumer refreshes its in-flight entries")
@ConnectorAttribute(
        name = "consumer-expiry-ms",
        type = "long",
        direction = INCOMING,
        defaultValue = "300000",
        description = "A consumer of the group with no pending entry and idle longer than this is deleted (XGROUP"
                + " DELCONSUMER)")
@ConnectorAttribute(
        name = "failure-strategy",
        type = "string",
        direction = INCOMING,
        defaultValue = "leave-pending",
        description = "On nack: leave-pending (redelivered by XAUTOCLAIM), ack, or dead-letter")
@ConnectorAttribute(
        name = "dead-letter-stream",
        type = "string",
        direction = INCOMING,
        description = "Stream that receives nacked entries with the dead-letter strategy")
@ConnectorAttribute(
        name = "paused-key",
        type = "string",
        direction = INCOMING,
        description = "A Redis set of stream keys this channel does not read new entries from while they are in it"
                + " (pausing a queue); read every pause-refresh-ms, never per entry")
@ConnectorAttribute(
        name = "pause-refresh-ms",
        type = "long",
        direction = INCOMING,
        defaultValue = "1000",
        description = "How often the set named by paused-key is read")
@ConnectorAttribute(
        name = "stream",
        type = "string",
        direction = OUTGOING,
        mandatory = true,
        description = "Stream key written when a message carries no RedisStreamsOutgoingMetadata")
@ConnectorAttribute(
        name = "max-length",
        type = "long",
        direction = OUTGOING,
        defaultValue = "1000000",
        description = "Approximate MAXLEN applied on every XADD")
@ConnectorAttribute(
        name = "max-inflight",
        type = "int",
        direction = OUTGOING,
        defaultValue = "256",
        description = "XADDs in flight at once")
public class RedisStreamsConnector implements InboundConnector, OutboundConnector, HealthReporter {

    public static final String NAME = "trawl-redis-streams";
    /** The entry field that holds a message's payload, written and read here and by scripts that XADD jobs. */
    public static final String PAYLOAD_FIELD = "payload";

    private final Vertx vertx;
    private final TlsConfigurationRegistry tls;
    private final List<RedisStreamsIncomingChannel> incoming = new CopyOnWriteArrayList<>();
    private final List<RedisStreamsOutgoingChannel> outgoing = new CopyOnWriteArrayList<>();

    public RedisStreamsConnector(Vertx vertx, TlsConfigurationRegistry tls) {
        this.vertx = vertx;
        this.tls = tls;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config config) {
        var channel = new RedisStreamsIncomingChannel(vertx, RedisStreamsChannelConfig.incoming(config, tls));
        incoming.add(channel);
        return channel.publisher();
    }

    @Override
    public Flow.Subscriber<? extends Message<?>> getSubscriber(Config config) {
        var channel = new RedisStreamsOutgoingChannel(vertx, RedisStreamsChannelConfig.outgoing(config, tls));
        outgoing.add(channel);
        return channel.subscriber();
    }

    @Override
    public HealthReport getReadiness() {
        var report = HealthReport.builder();
        incoming.forEach(channel -> channel.reportReadiness(report));
        return report.build();
    }

    @Override
    public HealthReport getStartup() {
        var report = HealthReport.builder();
        incoming.forEach(channel -> channel.reportStartup(report));
        return report.build();
    }

    /** Incoming channels of this pod, for the startup probe and the lag gauges. */
    public List<RedisStreamsIncomingChannel> incomingChannels() {
        return List.copyOf(incoming);
    }

    @PreDestroy
    void close() {
        incoming.forEach(RedisStreamsIncomingChannel::close);
        outgoing.forEach(RedisStreamsOutgoingChannel::close);
    }
}
