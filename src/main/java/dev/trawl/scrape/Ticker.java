package dev.trawl.scrape;

/** A monotonic clock in nanoseconds, so that tests can move time on without waiting for it. */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
