package dev.trawl.queue;

import dev.trawl.redis.RedisClientTls;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.RedisOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The settings of one channel, read once when the channel is made. They come from the typed
 * configuration the connector-attribute processor generates from the {@code @ConnectorAttribute}s
 * of {@link RedisStreamsConnector}, so each default is written once, there. Reading them once
 * keeps configuration look-ups off every poll.
 */
final class RedisStreamsChannelConfig {

    private final String channel;
    private final String redisUrl;
    private final Optional<String> redisPassword;
    private final RedisClientTls tls;
    private final List<String> streams;
    private final String group;
    private final String consumer;
    private final int batchSize;
    private final int blockMs;
    private final long claimMinIdleMs;
    private final long claimIntervalMs;
    private final long consumerExpiryMs;
    private final FailureStrategy failureStrategy;
    private final Optional<String> deadLetterStream;
    private final Optional<String> pausedKey;
    private final long pauseRefreshMs;
    private final String stream;
    private final long maxLength;
    private final int maxInflight;

    private RedisStreamsChannelConfig(
            RedisStreamsConnectorIncomingConfiguration in,
            RedisStreamsConnectorOutgoingConfiguration out,
            TlsConfigurationRegistry registry) {
        RedisStreamsConnectorCommonConfiguration common = in != null ? in : out;
        this.tls = registry == null
                ? RedisClientTls.NONE
                : RedisClientTls.named(common.getTlsConfigurationName(), registry);
        this.channel = common.getChannel();
        this.redisUrl = common.getRedisUrl();
        this.redisPassword = common.getRedisPassword().filter(password -> !password.isEmpty());
        this.streams = in == null
                ? List.of()
                : Arrays.stream(in.getStreams().split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        this.group = in == null ? null : in.getGroup();
        this.consumer = in == null ? null : in.getConsumer().orElseGet(ProcessName::hostAndPid);
        this.batchSize = in == null ? 0 : in.getBatchSize();
        this.blockMs = in == null ? 0 : in.getBlockMs();
        this.claimMinIdleMs = in == null ? 0 : in.getClaimMinIdleMs();
        this.claimIntervalMs = in == null ? 0 : in.getClaimIntervalMs();
        this.consumerExpiryMs = in == null ? 0 : in.getConsumerExpiryMs();
        this.failureStrategy = in == null ? null : FailureStrategy.parse(in.getFailureStrategy());
        this.deadLetterStream = in == null ? Optional.empty() : in.getDeadLetterStream();
        this.pausedKey = in == null ? Optional.empty() : in.getPausedKey().filter(key -> !key.isBlank());
        this.pauseRefreshMs = in == null ? 0 : in.getPauseRefreshMs();
        this.stream = out == null ? null : out.getStream();
        this.maxLength = out == null ? 0 : out.getMaxLength();
        this.maxInflight = out == null ? 0 : out.getMaxInflight();
    }

    /** An incoming channel whose {@code tls-configuration-name}, if set, the registry resolves. */
    static RedisStreamsChannelConfig incoming(Config config, TlsConfigurationRegistry registry) {
        return new RedisStreamsChannelConfig(new RedisStreamsConnectorIncomingConfiguration(config), null, registry);
    }

    /** An incoming channel on a plain {@code redis://} URL. */
    static RedisStreamsChannelConfig incoming(Config config) {
        return incoming(config, null);
    }

    static RedisStreamsChannelConfig outgoing(Config config, TlsConfigurationRegistry registry) {
        return new RedisStreamsChannelConfig(null, new RedisStreamsConnectorOutgoingConfiguration(config), registry);
    }

    String channel() {
        return channel;
    }

    String redisUrl() {
        return redisUrl;
    }

    /**
     * The client options every connection of the channel starts from: address, the password if set
     * apart, and the TLS settings if a configuration is named.
     */
    RedisOptions redisOptions() {
        RedisOptions options =
                new RedisOptions().setConnectionString(redisUrl).setPreferredProtocolVersion(ProtocolVersion.RESP2);
        redisPassword.ifPresent(options::setPassword);
        return tls.applyTo(options);
    }

    /** Incoming: the streams read, highest priority first. */
    List<String> streams() {
        return streams;
    }

    String group() {
        return group;
    }

    String consumer() {
        return consumer;
    }

    int batchSize() {
        return batchSize;
    }

    int blockMs() {
        return blockMs;
    }

    long claimMinIdleMs() {
        return claimMinIdleMs;
    }

    long claimIntervalMs() {
        return claimIntervalMs;
    }

    /** A consumer with nothing pending and idle longer than this is deleted from the group. */
    long consumerExpiryMs() {
        return consumerExpiryMs;
    }

    FailureStrategy failureStrategy() {
        return failureStrategy;
    }

    Optional<String> deadLetterStream() {
        return deadLetterStream;
    }

    /** Incoming: the set of paused stream keys, if pausing is on. */
    Optional<String> pausedKey() {
        return pausedKey;
    }

    long pauseRefreshMs() {
        return pauseRefreshMs;
    }

    /** Outgoing: the stream written when a message names none. */
    String stream() {
        return stream;
    }

    long maxLength() {
        return maxLength;
    }

    int maxInflight() {
        return maxInflight;
    }

    enum FailureStrategy {
        LEAVE_PENDING,
        ACK,
        DEAD_LETTER;

        static FailureStrategy parse(String value) {
            return switch (value.trim().toLowerCase()) {
                case "leave-pending" -> LEAVE_PENDING;
                case "ack" -> ACK;
                case "dead-letter" -> DEAD_LETTER;
                default -> throw new IllegalArgumentException("Unknown failure-strategy: " + value);
            };
        }
    }
}
