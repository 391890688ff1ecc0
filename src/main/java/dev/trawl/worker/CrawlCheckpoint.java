package dev.trawl.worker;

import dev.trawl.job.Sha256;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A crawl's frontier written down: the pages done, the pages still to visit (in order, with their
 * depth) and how many pages were stored, as JSON text with its SHA-256. Reading one back checks
 * the checksum, the format and that it belongs to the crawl reading it, so a damaged or foreign
 * checkpoint is refused rather than trusted.
 */
final class CrawlCheckpoint {

    static final int FORMAT = 1;

    /** The text to store and the checksum computed over it. */
    record Encoded(String payload, String checksum, int pagesDone) {}

    /** A checkpoint that cannot be used; {@code reason} says why, in a word a log and an event can carry. */
    static final class Rejected extends Exception {

        private final String reason;

        Rejected(String reason, String detail) {
            super(reason + ": " + detail, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private CrawlCheckpoint() {}

    /**
     * Encodes on a worker thread: a large frontier is megabytes of JSON and a SHA-256 over them,
     * which must not hold up the event loop the crawl's pages are stored from.
     */
    static Uni<Encoded> encodeOffTheEventLoop(String startUrl, CrawlFrontier.Snapshot snapshot) {
        return Uni.createFrom()
                .item(() -> encode(startUrl, snapshot))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    static Encoded encode(String startUrl, CrawlFrontier.Snapshot snapshot) {
        JsonArray pending = new JsonArray();
        snapshot.pending()
                .forEach(target -> pending.add(new JsonArray().add(target.url()).add(target.depth())));
        String payload = new JsonObject()
                .put("format", FORMAT)
                .put("startUrl", startUrl)
                .put("pagesStored", snapshot.pagesStored())
                .put("done", new JsonArray(new ArrayList<>(snapshot.done())))
                .put("pending", pending)
                .encode();
        return new Encoded(payload, Sha256.hex(payload), snapshot.done().size());
    }

    static CrawlFrontier.Snapshot decode(int format, String payload, String checksum, String startUrl) throws Rejected {
        if (format != FORMAT) {
            throw new Rejected("unknown-format", "format " + format + ", this worker reads " + FORMAT);
        }
        if (!Sha256.hex(payload).equals(checksum)) {
            throw new Rejected("checksum-mismatch", "the payload does not match its SHA-256");
        }
        try {
            JsonObject json = new JsonObject(payload);
            if (json.getInteger("format", -1) != FORMAT || !startUrl.equals(json.getString("startUrl"))) {
                throw new Rejected("foreign", "the checkpoint is not of this crawl");
            }
            List<String> done = new ArrayList<>();
            for (Object url : json.getJsonArray("done")) {
                done.add((String) url);
            }
            List<CrawlFrontier.Target> pending = new ArrayList<>();
            for (Object entry : json.getJsonArray("pending")) {
                JsonArray target = (JsonArray) entry;
                pending.add(new CrawlFrontier.Target(target.getString(0), target.getInteger(1)));
            }
            return new CrawlFrontier.Snapshot(done, pending, json.getInteger("pagesStored"));
        } catch (DecodeException | ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            throw new Rejected("unreadable", String.valueOf(e.getMessage()));
        }
    }
}
