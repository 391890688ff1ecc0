package dev.trawl.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FetchSlotsTest {

    @Test
    void placesAreGivenAtOnceUpToTheCapacityThenInTheOrderAsked() {
        FetchSlots slots = new FetchSlots(2);
        List<String> got = new ArrayList<>();
        List<FetchSlots.Slot> held = new ArrayList<>();
        for (String who : List.of("a", "b", "c", "d")) {
            slots.take().subscribe().with(slot -> {
                got.add(who);
                held.add(slot);
            });
        }
        assertThat(got).containsExactly("a", "b");
        assertThat(slots.inUse()).isEqualTo(2);

        held.get(1).release();
        assertThat(got).containsExactly("a", "b", "c");
        held.get(0).release();
        assertThat(got).containsExactly("a", "b", "c", "d");
        assertThat(slots.inUse()).isEqualTo(2);
    }

    @Test
    void givingAPlaceBackTwiceGivesItBackOnce() {
        FetchSlots slots = new FetchSlots(1);
        List<FetchSlots.Slot> held = new ArrayList<>();
        slots.take().subscribe().with(held::add);
        held.get(0).release();
        held.get(0).release();
        assertThat(slots.inUse()).isZero();

        slots.take().subscribe().with(held::add);
        slots.take().subscribe().with(held::add);
        held.get(0).release();
        assertThat(held).hasSize(2);
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void aWaiterThatGaveUpTakesNoPlace() {
        FetchSlots slots = new FetchSlots(1);
        List<String> got = new ArrayList<>();
        List<FetchSlots.Slot> held = new ArrayList<>();
        slots.take().subscribe().with(held::add);
        Cancellable gaveUp = slots.take().subscribe().with(slot -> got.add("gave up"));
        slots.take().subscribe().with(slot -> got.add("waited"));

        gaveUp.cancel();
        held.get(0).release();
        assertThat(got).containsExactly("waited");
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void aPlaceGivenBackOnOneContextReachesTheWaiterOnTheContextItAskedFrom() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            FetchSlots slots = new FetchSlots(1);
            Context holder = vertx.getOrCreateContext();
            Context waiter = ((VertxInternal) vertx).createEventLoopContext();
            CompletableFuture<FetchSlots.Slot> held = new CompletableFuture<>();
            holder.runOnContext(ignored -> slots.take().subscribe().with(held::complete));
            FetchSlots.Slot slot = held.get(5, TimeUnit.SECONDS);

            CompletableFuture<Context> reachedOn = new CompletableFuture<>();
            waiter.runOnContext(
                    ignored -> slots.take().subscribe().with(given -> reachedOn.complete(Vertx.currentContext())));
            holder.runOnContext(ignored -> slot.release());

            assertThat(reachedOn.get(5, TimeUnit.SECONDS)).isSameAs(waiter);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkerHasAtLeastOnePlace() {
        assertThatThrownBy(() -> new FetchSlots(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
