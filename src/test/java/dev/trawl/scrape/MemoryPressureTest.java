package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryPressureTest {

    private record Thresholds(double pauseHeapThreshold, Duration pausePollInterval) implements MemoryPressureConfig {}

    private final AtomicLong heapPermille = new AtomicLong(500);
    private final AtomicInteger readings = new AtomicInteger();
    private final AtomicInteger collectHints = new AtomicInteger();
    private Vertx vertx;
    private MemoryPressure pressure;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        HeapUsage heap = () -> {
            readings.incrementAndGet();
            return heapPermille.get() / 1000.0;
        };
        pressure = new MemoryPressure(
                vertx, heap, new Thresholds(0.90, Duration.ofMillis(10)), collectHints::incrementAndGet);
    }

    @AfterEach
    void stop() {
        vertx.closeAndAwait();
    }

    @Test
    void pressureIsHighOnlyAboveTheThreshold() {
        heapPermille.set(900);
        assertThat(pressure.high()).isFalse();
        heapPermille.set(901);
        assertThat(pressure.high()).isTrue();
    }

    @Test
    void reliefIsImmediateWhenTheHeapIsUnderTheThreshold() {
        pressure.awaitRelief()
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertCompleted();
        assertThat(collectHints).hasValue(0);
    }

    @Test
    void reliefWaitsWhileTheHeapIsHighAndCompletesWhenItFalls() {
        heapPermille.set(950);
        UniAssertSubscriber<Void> waiting =
                pressure.awaitRelief().subscribe().withSubscriber(UniAssertSubscriber.create());

        // Several polls have seen the heap high, and the wait is still on.
        int before = readings.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> readings.get() >= before + 3);
        waiting.assertNotTerminated();

        heapPermille.set(700);
        waiting.awaitItem(Duration.ofSeconds(10)).assertCompleted();
    }

    @Test
    void everyoneWaitingDuringOnePauseSharesOneCollectHint() {
        heapPermille.set(950);
        UniAssertSubscriber<Void> first =
                pressure.awaitRelief().subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Void> second =
                pressure.awaitRelief().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(collectHints).hasValue(1);

        heapPermille.set(700);
        first.awaitItem(Duration.ofSeconds(10)).assertCompleted();
        second.awaitItem(Duration.ofSeconds(10)).assertCompleted();

        heapPermille.set(950);
        UniAssertSubscriber<Void> nextPause =
                pressure.awaitRelief().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(collectHints).hasValue(2);
        heapPermille.set(700);
        nextPause.awaitItem(Duration.ofSeconds(10)).assertCompleted();
    }
}
