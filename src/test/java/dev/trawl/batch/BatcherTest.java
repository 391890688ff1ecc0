package dev.trawl.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherTest {

    static {
        // Mutiny sets up context propagation on first use; first use from eight threads at once races.
        Uni.createFrom().item(1).map(i -> i).await().indefinitely();
    }

    /** A flush that answers only when the test says so, recording every batch it was given. */
    private static final class HeldFlush {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<UniEmitter<? super List<String>>> answers = new CopyOnWriteArrayList<>();

        Uni<List<String>> flush(List<Integer> items) {
            batches.add(List.copyOf(items));
            return Uni.createFrom().emitter(answers::add);
        }

        void answer(int batch) {
            answers.get(batch)
                    .complete(batches.get(batch).stream().map(i -> "r" + i).toList());
        }
    }

    @Test
    void aLoneItemGoesOutAtOnceWithoutWaitingForCompany() {
        HeldFlush flush = new HeldFlush();
        Batcher<Integer, String> batcher = new Batcher<>(100, 1, flush::flush);

        CompletableFuture<String> result = batcher.submit(1).subscribeAsCompletionStage();

        assertThat(flush.batches).containsExactly(List.of(1));
        flush.answer(0);
        assertThat(result).isCompletedWithValue("r1");
    }

    @Test
    void itemsArrivingWhileABatchIsOutGoTogetherInTheNextOneAndEachGetsItsOwnResult() {
        HeldFlush flush = new HeldFlush();
        Batcher<Integer, String> batcher = new Batcher<>(100, 1, flush::flush);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            results.add(batcher.submit(i).subscribeAsCompletionStage());
        }
        assertThat(flush.batches).containsExactly(List.of(1));
        assertThat(batcher.waiting()).isEqualTo(4);

        flush.answer(0);

        assertThat(flush.batches).containsExactly(List.of(1), List.of(2, 3, 4, 5));
        flush.answer(1);
        assertThat(results).extracting(CompletableFuture::join).containsExactly("r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void itemsSubmittedTogetherGoOutTogetherAndAnswerInTheirOrder() {
        HeldFlush flush = new HeldFlush();
        Batcher<Integer, String> batcher = new Batcher<>(100, 1, flush::flush);

        CompletableFuture<List<String>> all =
                batcher.submitAll(List.of(1, 2, 3)).subscribeAsCompletionStage();

        assertThat(flush.batches).containsExactly(List.of(1, 2, 3));
        flush.answer(0);
        assertThat(all).isCompletedWithValue(List.of("r1", "r2", "r3"));
    }

    @Test
    void aBatchNeverHoldsMoreThanMaxBatchItems() {
        HeldFlush flush = new HeldFlush();
        Batcher<Integer, String> batcher = new Batcher<>(2, 1, flush::flush);
        for (int i = 1; i <= 6; i++) {
            batcher.submit(i).subscribe().with(r -> {});
        }
        flush.answer(0);
        flush.answer(1);
        flush.answer(2);
        assertThat(flush.batches).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6));
    }

    @Test
    void upToMaxInFlightBatchesAreOutAtOnce() {
        HeldFlush flush = new HeldFlush();
        Batcher<Integer, String> batcher = new Batcher<>(10, 2, flush::flush);
        for (int i = 1; i <= 4; i++) {
            batcher.submit(i).subscribe().with(r -> {});
        }
        assertThat(flush.batches).containsExactly(List.of(1), List.of(2));
        flush.answer(1);
        assertThat(flush.batches).containsExactly(List.of(1), List.of(2), List.of(3, 4));
    }

    @Test
    void aFailedFlushFailsEveryItemOfItsBatchAndTheNextBatchStillGoesOut() {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        Batcher<Integer, String> batcher = new Batcher<>(10, 1, items -> {
            batches.add(items);
            return items.contains(1)
                    ? Uni.createFrom().failure(new IllegalStateException("down"))
                    : Uni.createFrom().item(items.stream().map(i -> "ok" + i).toList());
        });

        CompletableFuture<String> first = batcher.submit(1).subscribeAsCompletionStage();
        CompletableFuture<String> second = batcher.submit(2).subscribeAsCompletionStage();

        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("down");
        assertThat(second).isCompletedWithValue("ok2");
    }

    @Test
    void withAWayToSendOneAloneOnlyTheItemThatFailsAloneFailsWhenItsBatchFails() {
        List<UniEmitter<? super List<String>>> held = new CopyOnWriteArrayList<>();
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        Batcher<Integer, String> batcher = new Batcher<>(
                10,
                1,
                items -> {
                    batches.add(items);
                    if (items.equals(List.of(0))) {
                        return Uni.createFrom().emitter(held::add);
                    }
                    return items.contains(13)
                            ? Uni.createFrom().failure(new IllegalArgumentException("13 refused"))
                            : Uni.createFrom()
                                    .item(items.stream().map(i -> "ok" + i).toList());
                },
                item -> item == 13
                        ? Uni.createFrom().failure(new IllegalArgumentException("13 refused"))
                        : Uni.createFrom().item("alone" + item));
        batcher.submit(0).subscribe().with(r -> {});
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 12; i <= 14; i++) {
            results.add(batcher.submit(i).subscribeAsCompletionStage());
        }

        held.get(0).complete(List.of("ok0"));

        assertThat(batches).containsExactly(List.of(0), List.of(12, 13, 14));
        assertThat(results.get(0)).isCompletedWithValue("alone12");
        assertThat(results.get(1)).isCompletedExceptionally();
        assertThat(results.get(2)).isCompletedWithValue("alone14");
    }

    @Test
    void aFlushAnsweringTheWrongNumberOfResultsFailsItsItemsInsteadOfMismatchingThem() {
        Batcher<Integer, String> batcher =
                new Batcher<>(10, 1, items -> Uni.createFrom().item(List.of()));

        assertThatThrownBy(() -> batcher.submit(1).await().indefinitely())
                .hasMessageContaining("came back with 0 results");
    }

    @Test
    void underConcurrentSubmitsEveryItemGetsItsOwnResultExactlyOnce() throws Exception {
        ExecutorService answering = Executors.newSingleThreadExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            Batcher<Integer, Integer> batcher = new Batcher<>(
                    16,
                    2,
                    items -> Uni.createFrom()
                            .item(() -> items.stream().map(i -> i * 2).toList())
                            .runSubscriptionOn(answering));
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                int item = i;
                results.add(CompletableFuture.supplyAsync(() -> item, callers)
                        .thenCompose(n -> batcher.submit(n).subscribeAsCompletionStage()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * 2);
            }
            assertThat(batcher.waiting()).isZero();
        } finally {
            callers.shutdownNow();
            answering.shutdownNow();
        }
    }
}
