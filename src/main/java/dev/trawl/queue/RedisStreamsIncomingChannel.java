package dev.trawl.queue;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Reads a consumer group over one or more streams, highest priority first.
 *
 * <p>Nothing touches Redis until the channel is subscribed, so a pod without the worker role
 * never joins the group. Blocking reads use a connection of their own: a BLOCK must never hold a
 * connection that acks or claims need. Demand drives reads: a poll asks for at most
 * {@code batch-size} entries and the next poll happens only when downstream wants more.
 *
 * <p>A stream whose key is in the set named by {@code paused-key} is not read: the set is read
 * every {@code pause-refresh-ms} (and once before the first poll), so pausing a queue costs no
 * round trip per entry and holds for every pod. Entries already delivered, and those taken over
 * from a dead consumer, still run.
 */
public final class RedisStreamsIncomingChannel {

    private static final Logger LOG = Logger.getLogger(RedisStreamsIncomingChannel.class);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final RedisStreamsChannelConfig config;
    private final List<String> streams;
    private final String group;
    private final String consumer;
    private final Redis commands;
    private final Redis reads;
    private final RedisStreamsAckHandler ackHandler;
    private final RedisStreamsFailureHandler failureHandler;
    private final PendingEntryClaims claims;
    private final IdleConsumers idleConsumers;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Multi<Message<String>> messages;

    private volatile RedisConnection readConnection;
    private volatile boolean groupsReady;
    private volatile boolean lastPollSucceeded = true;
    private volatile String lastError = "";
    private volatile long lastClaimAt;
    private volatile boolean lastClaimTookSome;
    private volatile long refreshTimer = -1;
    private volatile long expiryTimer = -1;
    private volatile long pauseTimer = -1;
    private volatile Set<String> paused = Set.of();
    private volatile boolean pausesKnown;
    /** The streams of the read in flight (empty between reads), so a caller can tell when a pause holds. */
    private volatile List<String> readingNow = List.of();

    private final Vertx vertx;

    RedisStreamsIncomingChannel(Vertx vertx, RedisStreamsChannelConfig config) {
        this.config = config;
        this.streams = config.streams();
        this.group = config.group();
        this.consumer = config.consumer();
        RedisOptions options = config.redisOptions();
        this.commands = Redis.createClient(
                vertx, new RedisOptions(options).setMaxPoolSize(4).setMaxPoolWaiting(4096));
        this.reads = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
        this.ackHandler = new RedisStreamsAckHandler(commands, group, inFlight);
        this.failureHandler = new RedisStreamsFailureHandler(
                commands, group, config.failureStrategy(), config.deadLetterStream(), ackHandler, inFlight);
        this.claims = new PendingEntryClaims(commands, group, consumer, config.claimMinIdleMs(), config.channel());
        this.idleConsumers = new IdleConsumers(commands, group, consumer, config.consumerExpiryMs());
        this.vertx = vertx;
        this.messages = Multi.createBy()
                .repeating()
                .uni(this::poll)
                .until(batch -> closed.get())
                .onItem()
                .<StreamEntry>disjoint()
                .map(this::toMessage)
                .onSubscription()
                .invoke(this::keepInFlightFresh);
    }

    Flow.Publisher<Message<String>> publisher() {
        return messages;
    }

    public String channel() {
        return config.channel();
    }

    public List<String> streams() {
        return streams;
    }

    public String group() {
        return group;
    }

    public boolean groupsReady() {
        return groupsReady;
    }

    /** How long an entry stays pending before another consumer may take it over. */
    public Duration claimMinIdle() {
        return Duration.ofMillis(config.claimMinIdleMs());
    }

    /** How often this consumer takes over idle entries and refreshes its own. */
    public Duration claimInterval() {
        return Duration.ofMillis(config.claimIntervalMs());
    }

    private Message<String> toMessage(StreamEntry entry) {
        var metadata = new RedisStreamsIncomingMetadata(
                entry.stream(), entry.id(), group, consumer, entry.claimed(), entry.fields());
        return Message.of(
                entry.payload(),
                Metadata.of(metadata),
                () -> ackHandler.handle(entry),
                failure -> failureHandler.handle(entry, failure));
    }

    private Uni<List<StreamEntry>> poll() {
        return ensureGroups()
                .chain(this::knowPauses)
                .chain(this::claimIfDue)
                .chain(claimed ->
                        claimed.isEmpty() ? readAvailable() : Uni.createFrom().item(claimed))
                .chain(entries ->
                        entries.isEmpty() ? blockingRead() : Uni.createFrom().item(entries))
                // in flight from the read on: entries waiting in this batch for demand are kept fresh too
                .invoke(entries -> entries.forEach(entry -> inFlight.add(RedisStreamsAckHandler.inFlightKey(entry))))
                .invoke(() -> lastPollSucceeded = true)
                .onFailure()
                .recoverWithUni(this::recover);
    }

    private Uni<List<StreamEntry>> recover(Throwable failure) {
        if (closed.get()) {
            return Uni.createFrom().item(List.of());
        }
        lastPollSucceeded = false;
        lastError = String.valueOf(failure.getMessage());
        if (lastError.contains("NOGROUP")) {
            groupsReady = false; // the streams vanished (e.g. Redis restarted empty): create them again
            claims.restart();
        }
        dropReadConnection();
        LOG.warnf("Channel %s: reading %s failed, retrying in %s: %s", channel(), streams, RETRY_DELAY, lastError);
        return Uni.createFrom().item(List.<StreamEntry>of()).onItem().delayIt().by(RETRY_DELAY);
    }

    private Uni<Void> ensureGroups() {
        if (groupsReady) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> creations = streams.stream().map(this::createGroup).toList();
        return Uni.join()
                .all(creations)
                .andFailFast()
                .invoke(() -> groupsReady = true)
                .replaceWithVoid();
    }

    private Uni<Void> createGroup(String stream) {
        // From id 0: entries added before any worker existed belong to the group too.
        Request create = Request.cmd(Command.XGROUP)
                .arg("CREATE")
                .arg(stream)
                .arg(group)
                .arg("0")
                .arg("MKSTREAM");
        return commands.send(create)
                .replaceWithVoid()
                .onFailure(failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP"))
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Every claim interval, whether or not this consumer wants more work, it resets the idle time
     * of the entries it is working on, so no other consumer takes them over while they run. Less
     * often, it deletes the group's dead consumers.
     */
    private void keepInFlightFresh() {
        if (refreshTimer < 0) {
            refreshTimer = vertx.setPeriodic(
                    config.claimIntervalMs(),
                    id -> refreshInFlight()
                            .subscribe()
                            .with(
                                    ok -> {},
                                    failure -> LOG.debugf(
                                            "Channel %s: refreshing in-flight entries failed: %s",
                                            channel(), failure.getMessage())));
        }
        if (pauseTimer < 0 && config.pausedKey().isPresent()) {
            pauseTimer = vertx.setPeriodic(
                    config.pauseRefreshMs(),
                    id -> refreshPauses()
                            .subscribe()
                            .with(
                                    ok -> {},
                                    failure -> LOG.debugf(
                                            "Channel %s: reading the paused streams failed: %s",
                                            channel(), failure.getMessage())));
        }
        if (expiryTimer < 0) {
            long every = Math.max(config.claimIntervalMs(), config.consumerExpiryMs() / 5);
            expiryTimer = vertx.setPeriodic(every, id -> deleteExpiredConsumers());
        }
    }

    private void deleteExpiredConsumers() {
        if (!groupsReady) {
            return;
        }
        idleConsumers
                .deleteExpired(streams)
                .subscribe()
                .with(
                        deleted -> {
                            if (!deleted.isEmpty()) {
                                LOG.infof(
                                        "Channel %s: deleted %d consumers idle for over %d ms with nothing pending: %s",
                                        channel(), deleted.size(), config.consumerExpiryMs(), deleted);
                            }
                        },
                        failure -> LOG.debugf(
                                "Channel %s: deleting idle consumers failed: %s", channel(), failure.getMessage()));
    }

    /**
     * With demand, every claim interval: take over entries of other consumers idle past the
     * minimum. A pass that took some and stopped before the end of a pending list goes on at the
     * next poll: a dead consumer's entries come back as fast as this one runs them.
     */
    private Uni<List<StreamEntry>> claimIfDue() {
        long now = System.currentTimeMillis();
        boolean goOn = lastClaimTookSome && claims.walkUnfinished();
        if (!goOn && now - lastClaimAt < config.claimIntervalMs()) {
            return Uni.createFrom().item(List.of());
        }
        lastClaimAt = now;
        return claims.pass(
                        streams,
                        config.batchSize(),
                        entry -> inFlight.contains(RedisStreamsAckHandler.inFlightKey(entry)))
                .invoke(claimed -> lastClaimTookSome = !claimed.isEmpty());
    }

    private Uni<Void> refreshInFlight() {
        List<Uni<Void>> refreshes = new ArrayList<>();
        for (String stream : streams) {
            List<String> ids = inFlight.stream()
                    .filter(key -> key.startsWith(stream + RedisStreamsAckHandler.KEY_SEPARATOR))
                    .map(key -> key.substring(stream.length() + 1))
                    .toList();
            if (!ids.isEmpty()) {
                Request claim = Request.cmd(Command.XCLAIM)
                        .arg(stream)
                        .arg(group)
                        .arg(consumer)
                        .arg(0);
                ids.forEach(claim::arg);
                refreshes.add(commands.send(claim.arg("JUSTID")).replaceWithVoid());
            }
        }
        return refreshes.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(refreshes).andFailFast().replaceWithVoid();
    }

    /** The streams read now: every stream but the paused ones, in priority order. */
    public List<String> activeStreams() {
        Set<String> now = paused;
        return now.isEmpty()
                ? streams
                : streams.stream().filter(stream -> !now.contains(stream)).toList();
    }

    /**
     * Whether this channel takes no new entry from {@code stream}: it has seen the stream paused
     * and no read that includes it is in flight.
     */
    public boolean takesNothingFrom(String stream) {
        return pausesKnown && !activeStreams().contains(stream) && !readingNow.contains(stream);
    }

    private Uni<Void> knowPauses() {
        return pausesKnown || config.pausedKey().isEmpty() ? Uni.createFrom().voidItem() : refreshPauses();
    }

    private Uni<Void> refreshPauses() {
        return commands.send(
                        Request.cmd(Command.SMEMBERS).arg(config.pausedKey().get()))
                .invoke(reply -> {
                    Set<String> members = new HashSet<>();
                    if (reply != null) {
                        reply.forEach(member -> members.add(member.toString()));
                    }
                    paused = Set.copyOf(members);
                    pausesKnown = true;
                })
                .replaceWithVoid();
    }

    /** Non-blocking reads in priority order until the batch is full or every stream is drained. */
    private Uni<List<StreamEntry>> readAvailable() {
        int batch = config.batchSize();
        List<String> active = activeStreams();
        readingNow = active;
        Uni<List<StreamEntry>> read = Uni.createFrom().item(new ArrayList<>());
        for (String stream : active) {
            read = read.chain(acc -> acc.size() >= batch
                    ? Uni.createFrom().item(acc)
                    : commands.send(readRequest(List.of(stream), batch - acc.size(), -1))
                            .map(reply -> {
                                acc.addAll(StreamEntry.fromReadReply(reply));
                                return acc;
                            }));
        }
        return read.eventually(() -> {
            readingNow = List.of();
        });
    }

    /** Every stream is empty: wait on all of them at once, on the dedicated connection. */
    private Uni<List<StreamEntry>> blockingRead() {
        if (closed.get()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> active = activeStreams();
        if (active.isEmpty()) { // every queue is paused: look again once the pauses may have changed
            return Uni.createFrom()
                    .item(List.<StreamEntry>of())
                    .onItem()
                    .delayIt()
                    .by(Duration.ofMillis(config.pauseRefreshMs()));
        }
        readingNow = active;
        return readConnection()
                .chain(connection -> connection.send(readRequest(active, config.batchSize(), config.blockMs())))
                .eventually(() -> {
                    readingNow = List.of();
                })
                // XREADGROUP answers streams in the order they were named, which is priority order.
                .map(StreamEntry::fromReadReply);
    }

    private Request readRequest(List<String> keys, int count, int blockMs) {
        Request request = Request.cmd(Command.XREADGROUP)
                .arg("GROUP")
                .arg(group)
                .arg(consumer)
                .arg("COUNT")
                .arg(count);
        if (blockMs >= 0) {
            request.arg("BLOCK").arg(blockMs);
        }
        request.arg("STREAMS");
        keys.forEach(request::arg);
        keys.forEach(k -> request.arg(">"));
        return request;
    }

    private Uni<RedisConnection> readConnection() {
        RedisConnection current = readConnection;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return reads.connect().invoke(connection -> {
            connection.exceptionHandler(failure -> dropReadConnection());
            connection.endHandler(this::dropReadConnection);
            readConnection = connection;
        });
    }

    private void dropReadConnection() {
        RedisConnection current = readConnection;
        readConnection = null;
        if (current != null) {
            current.closeAndForget();
        }
    }

    void reportReadiness(HealthReport.HealthReportBuilder report) {
        report.add(channel(), lastPollSucceeded, lastPollSucceeded ? "reading " + streams : lastError);
    }

    void reportStartup(HealthReport.HealthReportBuilder report) {
        report.add(channel(), true, groupsReady ? "consumer group " + group + " ready" : "not subscribed yet");
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            if (refreshTimer >= 0) {
                vertx.cancelTimer(refreshTimer);
            }
            if (expiryTimer >= 0) {
                vertx.cancelTimer(expiryTimer);
            }
            if (pauseTimer >= 0) {
                vertx.cancelTimer(pauseTimer);
            }
            dropReadConnection();
            reads.close();
            commands.close();
        }
    }
}
