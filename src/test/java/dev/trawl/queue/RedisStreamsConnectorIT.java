package dev.trawl.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.RedisCli;
import dev.trawl.support.TestServices;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connector on its own, against the real Redis: groups, priorities, sharing, take-over, nacks. */
class RedisStreamsConnectorIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<RedisStreamsIncomingChannel> channels = new ArrayList<>();
    private final List<Cancellable> subscriptions = new ArrayList<>();
    private Vertx vertx;
    private RedisCli redis;
    private String prefix;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        redis = new RedisCli();
        prefix = TestServices.KEY_PREFIX + "connector:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void tearDown() {
        subscriptions.forEach(Cancellable::cancel);
        channels.forEach(RedisStreamsIncomingChannel::close);
        RedisCli.deleteByPrefix(prefix);
        redis.close();
        vertx.closeAndAwait();
    }

    private RedisStreamsIncomingChannel channel(String consumer, Map<String, String> extra, String... streams) {
        Map<String, String> props = new HashMap<>();
        props.put("channel-name", "test-" + consumer);
        props.put("redis-url", "redis://127.0.0.1:6379");
        props.put("streams", String.join(",", streams));
        props.put("group", "g");
        props.put("consumer", consumer);
        props.put("batch-size", "5");
        props.put("block-ms", "200");
        props.putAll(extra);
        var config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .build();
        var channel = new RedisStreamsIncomingChannel(vertx, RedisStreamsChannelConfig.incoming(config));
        channels.add(channel);
        return channel;
    }

    @SuppressWarnings("unchecked")
    private Multi<Message<String>> messages(RedisStreamsIncomingChannel channel) {
        return Multi.createFrom().publisher(channel.publisher());
    }

    /** Consumes with the given concurrency, acking each message after recording its payload. */
    private List<String> consumeAndAck(RedisStreamsIncomingChannel channel, int concurrency) {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        subscriptions.add(messages(channel)
                .onItem()
                .transformToUni(m -> {
                    got.add(m.getPayload());
                    return Uni.createFrom().completionStage(m.ack());
                })
                .merge(concurrency)
                .subscribe()
                .with(x -> {}));
        return got;
    }

    private void add(String stream, String payload) {
        redis.call("XADD", stream, "*", "payload", payload);
    }

    private long pending(String stream) {
        return (Long) ((List<?>) redis.call("XPENDING", stream, "g")).get(0);
    }

    @Test
    void twoConsumersShareAStreamWithoutTakingTheSameEntryTwice() {
        String stream = prefix + "shared";
        List<String> a = consumeAndAck(channel("a", Map.of(), stream), 4);
        List<String> b = consumeAndAck(channel("b", Map.of(), stream), 4);
        await().atMost(WAIT).until(() -> channels.stream().allMatch(RedisStreamsIncomingChannel::groupsReady));

        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            add(stream, "job-" + i);
            sent.add("job-" + i);
        }
        await().atMost(WAIT).until(() -> a.size() + b.size() == 300 && pending(stream) == 0);

        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        assertThat(all).doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).isEqualTo(sent);
        assertThat(a).as("consumer a worked").isNotEmpty();
        assertThat(b).as("consumer b worked").isNotEmpty();
    }

    @Test
    void entriesAddedBeforeTheGroupExistedAreDeliveredAndHighPriorityComesFirst() {
        String high = prefix + "high";
        String normal = prefix + "normal";
        String low = prefix + "low";
        for (int i = 0; i < 4; i++) {
            add(low, "low-" + i);
            add(normal, "normal-" + i);
            add(high, "high-" + i);
        }
        List<String> got = consumeAndAck(channel("solo", Map.of("batch-size", "20"), high, normal, low), 1);
        await().atMost(WAIT).until(() -> got.size() == 12);
        assertThat(got.subList(0, 4)).allMatch(p -> p.startsWith("high-"));
        assertThat(got.subList(4, 8)).allMatch(p -> p.startsWith("normal-"));
        assertThat(got.subList(8, 12)).allMatch(p -> p.startsWith("low-"));
    }

    @Test
    void entriesLeftPendingByAConsumerThatStoppedAreTakenOverByAnother() {
        String stream = prefix + "takeover";
        RedisStreamsIncomingChannel a = channel("a", Map.of(), stream);
        AssertSubscriber<Message<String>> heldByA = messages(a).subscribe().withSubscriber(AssertSubscriber.create(3));
        await().atMost(WAIT).until(a::groupsReady);
        for (int i = 0; i < 3; i++) {
            add(stream, "job-" + i);
        }
        await().atMost(WAIT).until(() -> heldByA.getItems().size() == 3);
        a.close(); // a dies without acknowledging anything
        assertThat(pending(stream)).isEqualTo(3);

        List<RedisStreamsIncomingMetadata> takenOver = Collections.synchronizedList(new ArrayList<>());
        RedisStreamsIncomingChannel b =
                channel("b", Map.of("claim-min-idle-ms", "300", "claim-interval-ms", "100"), stream);
        subscriptions.add(messages(b)
                .onItem()
                .transformToUni(m -> {
                    takenOver.add(
                            m.getMetadata(RedisStreamsIncomingMetadata.class).orElseThrow());
                    return Uni.createFrom().completionStage(m.ack());
                })
                .merge(4)
                .subscribe()
                .with(x -> {}));

        await().atMost(WAIT).until(() -> takenOver.size() == 3 && pending(stream) == 0);
        assertThat(takenOver).allMatch(RedisStreamsIncomingMetadata::claimed);
        assertThat(takenOver).allMatch(m -> m.consumer().equals("b"));
    }

    @Test
    void aLiveConsumerKeepsItsSlowEntriesSoNobodyTakesThemOver() {
        String stream = prefix + "slow";
        Map<String, String> fastClaims = Map.of("claim-min-idle-ms", "400", "claim-interval-ms", "100");
        RedisStreamsIncomingChannel a = channel("a", fastClaims, stream);
        // a works on one entry at a time and never finishes this one: it asks for nothing more
        AssertSubscriber<Message<String>> heldByA = messages(a).subscribe().withSubscriber(AssertSubscriber.create(1));
        await().atMost(WAIT).until(a::groupsReady);
        add(stream, "slow-job");
        await().atMost(WAIT).until(() -> heldByA.getItems().size() == 1);

        List<String> b = consumeAndAck(channel("b", fastClaims, stream), 1);
        add(stream, "marker"); // b proves it is polling by getting this one
        await().atMost(WAIT).until(() -> b.contains("marker"));
        // for many claim rounds, each longer than the minimum idle time, a keeps the entry it works on
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> ownerCount(stream, "a") == 1 && b.equals(List.of("marker")));
    }

    @Test
    void aDeadConsumersEntriesBehindMoreLiveEntriesThanOneClaimLooksAtAreAllTakenOver() {
        String stream = prefix + "deep";
        Map<String, String> claims = Map.of("claim-min-idle-ms", "1000", "claim-interval-ms", "100");
        // a lives and works on 60 entries, finishing none: one XAUTOCLAIM of COUNT 5 looks at 50 pending entries
        RedisStreamsIncomingChannel a = channel("a", claims, stream);
        AssertSubscriber<Message<String>> heldByA = messages(a).subscribe().withSubscriber(AssertSubscriber.create(60));
        await().atMost(WAIT).until(a::groupsReady);
        for (int i = 0; i < 60; i++) {
            add(stream, "live-" + i);
        }
        await().atMost(WAIT).until(() -> heldByA.getItems().size() == 60);
        List<String> orphans = List.of("orphan-0", "orphan-1", "orphan-2");
        readAsAConsumerThatDies(stream, "crashed", orphans);

        List<String> b = consumeAndAck(channel("b", claims, stream), 4);
        await().atMost(WAIT).until(() -> b.containsAll(orphans));
        assertThat(b).containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(ownerCount(stream, "a"))
                .as("a keeps every entry it works on")
                .isEqualTo(60);
        assertThat(ownerCount(stream, "crashed")).isZero();
    }

    @Test
    void deadConsumersAreDeletedFromTheGroupButNeverWhileTheyOwnPendingEntries() {
        String stream = prefix + "consumers";
        Map<String, String> claims = Map.of("claim-min-idle-ms", "3000", "claim-interval-ms", "100");
        RedisStreamsIncomingChannel a = channel("a", claims, stream);
        AssertSubscriber<Message<String>> heldByA = messages(a).subscribe().withSubscriber(AssertSubscriber.create(1));
        await().atMost(WAIT).until(a::groupsReady);
        add(stream, "slow-job");
        await().atMost(WAIT).until(() -> heldByA.getItems().size() == 1);
        // "crashed" died holding two entries; "gone" left with nothing pending
        List<String> orphans = List.of("orphan-0", "orphan-1");
        readAsAConsumerThatDies(stream, "crashed", orphans);
        redis.call("XGROUP", "CREATECONSUMER", stream, "g", "gone");

        Map<String, String> expiring = new HashMap<>(claims);
        expiring.put("consumer-expiry-ms", "500");
        List<String> b = consumeAndAck(channel("b", expiring, stream), 4);
        await().atMost(WAIT).until(() -> !consumers(stream).containsKey("gone"));
        // idle as long as "gone", but owning entries: kept until they are taken over
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> Long.valueOf(2).equals(consumers(stream).get("crashed")));

        await().atMost(WAIT)
                .until(() -> b.containsAll(orphans) && !consumers(stream).containsKey("crashed"));
        assertThat(consumers(stream))
                .as("the live consumers, a with the entry it works on")
                .containsEntry("a", 1L)
                .containsKey("b")
                .hasSize(2);
        assertThat(b).containsExactlyInAnyOrderElementsOf(orphans);
    }

    @Test
    void aNackWithTheDeadLetterStrategyMovesTheEntryWithItsReason() {
        String stream = prefix + "work";
        String dead = prefix + "dead";
        RedisStreamsIncomingChannel channel =
                channel("a", Map.of("failure-strategy", "dead-letter", "dead-letter-stream", dead), stream);
        subscriptions.add(messages(channel)
                .onItem()
                .transformToUni(m -> Uni.createFrom().completionStage(m.nack(new IllegalStateException("poison"))))
                .merge(1)
                .subscribe()
                .with(x -> {}));
        await().atMost(WAIT).until(channel::groupsReady);
        add(stream, "bad-job");
        await().atMost(WAIT).until(() -> (Long) redis.call("XLEN", dead) == 1 && pending(stream) == 0);
        List<?> entry = (List<?>) ((List<?>) redis.call("XRANGE", dead, "-", "+")).get(0);
        @SuppressWarnings("unchecked")
        List<Object> fields = (List<Object>) entry.get(1);
        assertThat(fields).containsSequence("payload", "bad-job").containsSequence("reason", "poison");
    }

    /** Adds the entries and reads them as a consumer that then dies, atomically, so no live consumer sees them. */
    private void readAsAConsumerThatDies(String stream, String consumer, List<String> payloads) {
        redis.call("MULTI");
        payloads.forEach(payload -> add(stream, payload));
        redis.call(
                "XREADGROUP", "GROUP", "g", consumer, "COUNT", String.valueOf(payloads.size()), "STREAMS", stream, ">");
        redis.call("EXEC");
        assertThat(ownerCount(stream, consumer)).isEqualTo(payloads.size());
    }

    /** The group's consumers, each with its count of pending entries. */
    private Map<String, Long> consumers(String stream) {
        Map<String, Long> pending = new HashMap<>();
        for (Object consumer : (List<?>) redis.call("XINFO", "CONSUMERS", stream, "g")) {
            List<?> fields = (List<?>) consumer;
            Map<Object, Object> byName = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                byName.put(fields.get(i), fields.get(i + 1));
            }
            pending.put((String) byName.get("name"), (Long) byName.get("pending"));
        }
        return pending;
    }

    private long ownerCount(String stream, String consumer) {
        List<?> detail = (List<?>) redis.call("XPENDING", stream, "g", "-", "+", "1000");
        return detail.stream()
                .map(d -> (List<?>) d)
                .filter(d -> consumer.equals(d.get(1)))
                .count();
    }
}
