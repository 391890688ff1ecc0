package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.job.Sha256;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CrawlCheckpointTest {

    private static final String START = "http://site.test/";
    private static final CrawlFrontier.Snapshot SNAPSHOT = new CrawlFrontier.Snapshot(
            List.of(START, "http://site.test/a"),
            List.of(
                    new CrawlFrontier.Target("http://site.test/b", 1),
                    new CrawlFrontier.Target("http://site.test/b/c", 2)),
            1);

    @Test
    void aCheckpointReadsBackAsTheFrontierItWasWrittenFrom() throws Exception {
        CrawlCheckpoint.Encoded encoded = CrawlCheckpoint.encode(START, SNAPSHOT);

        assertThat(encoded.checksum()).isEqualTo(Sha256.hex(encoded.payload()));
        assertThat(encoded.pagesDone()).isEqualTo(2);
        assertThat(CrawlCheckpoint.decode(CrawlCheckpoint.FORMAT, encoded.payload(), encoded.checksum(), START))
                .isEqualTo(SNAPSHOT);
    }

    @Test
    void aCheckpointIsEncodedOffTheEventLoopItWasAskedFrom() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Boolean> encodedOnEventLoop = new CompletableFuture<>();
            CompletableFuture<CrawlCheckpoint.Encoded> encoded = new CompletableFuture<>();
            vertx.runOnContext(ignored -> CrawlCheckpoint.encodeOffTheEventLoop(START, SNAPSHOT)
                    .subscribe()
                    .with(
                            checkpoint -> {
                                encodedOnEventLoop.complete(Context.isOnEventLoopThread());
                                encoded.complete(checkpoint);
                            },
                            encoded::completeExceptionally));

            assertThat(encoded.get(10, TimeUnit.SECONDS)).isEqualTo(CrawlCheckpoint.encode(START, SNAPSHOT));
            assertThat(encodedOnEventLoop.get(10, TimeUnit.SECONDS)).isFalse();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPayloadThatNoLongerMatchesItsChecksumIsRefused() {
        CrawlCheckpoint.Encoded encoded = CrawlCheckpoint.encode(START, SNAPSHOT);
        String damaged = encoded.payload().replace("/b/c", "/b/x");

        assertRejected(CrawlCheckpoint.FORMAT, damaged, encoded.checksum(), START, "checksum-mismatch");
    }

    @Test
    void aCheckpointOfAnotherFormatOrAnotherCrawlIsRefused() {
        CrawlCheckpoint.Encoded encoded = CrawlCheckpoint.encode(START, SNAPSHOT);

        assertRejected(CrawlCheckpoint.FORMAT + 1, encoded.payload(), encoded.checksum(), START, "unknown-format");
        assertRejected(CrawlCheckpoint.FORMAT, encoded.payload(), encoded.checksum(), "http://other.test/", "foreign");
    }

    @Test
    void aPayloadWithAValidChecksumThatIsNotACheckpointIsRefused() {
        for (String payload : List.of(
                "not json",
                "{\"format\":1,\"startUrl\":\"" + START + "\"}",
                "{\"format\":1,\"startUrl\":\"" + START + "\",\"done\":[],\"pending\":[[\"x\"]],\"pagesStored\":0}")) {
            assertRejected(CrawlCheckpoint.FORMAT, payload, Sha256.hex(payload), START, "unreadable");
        }
    }

    private static void assertRejected(int format, String payload, String checksum, String startUrl, String reason) {
        assertThatThrownBy(() -> CrawlCheckpoint.decode(format, payload, checksum, startUrl))
                .isInstanceOfSatisfying(
                        CrawlCheckpoint.Rejected.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
