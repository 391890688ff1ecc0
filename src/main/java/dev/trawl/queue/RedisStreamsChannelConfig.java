package dev.trawl.queue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/** Typed view of one channel's configuration (connector attributes merged with channel ones). */
final class RedisStreamsChannelConfig {

    private final Config config;

    RedisStreamsChannelConfig(Config config) {
        this.config = config;
    }

    String channel() {
        return config.getValue("channel-name", String.class);
    }

    String redisUrl() {
        return config.getValue("redis-url", String.class);
    }

    List<String> streams() {
        return Arrays.stream(config.getValue("streams", String.class).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    String group() {
        return config.getOptionalValue("group", String.class).orElse("workers");
    }

    String consumer() {
        return config.getOptionalValue("consumer", String.class).orElseGet(ProcessName::hostAndPid);
    }

    int batchSize() {
        return config.getOptionalValue("batch-size", Integer.class).orElse(32);
    }

    int blockMs() {
        return config.getOptionalValue("block-ms", Integer.class).orElse(2000);
    }

    long claimMinIdleMs() {
        return config.getOptionalValue("claim-min-idle-ms", Long.class).orElse(300_000L);
    }

    long claimIntervalMs() {
        return config.getOptionalValue("claim-interval-ms", Long.class).orElse(10_000L);
    }

    FailureStrategy failureStrategy() {
        return FailureStrategy.parse(config.getOptionalValue("failure-strategy", String.class).orElse("leave-pending"));
    }

    Optional<String> deadLetterStream() {
        return config.getOptionalValue("dead-letter-stream", String.class);
    }

    String stream() {
        return config.getValue("stream", String.class);
    }

    long maxLength() {
        return config.getOptionalValue("max-length", Long.class).orElse(1_000_000L);
    }

    int maxInflight() {
        return config.getOptionalValue("max-inflight", Integer.class).orElse(256);
    }

    enum FailureStrategy {
        LEAVE_PENDING, ACK, DEAD_LETTER;

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
