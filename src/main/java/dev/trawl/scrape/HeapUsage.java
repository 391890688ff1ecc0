package dev.trawl.scrape;

/**
 * The share of the maximum heap in use, from 0 to 1. An interface so that tests can stand in a
 * reading of their own; {@link JvmHeapUsage} is the real one.
 */
@FunctionalInterface
public interface HeapUsage {

    double fraction();
}
