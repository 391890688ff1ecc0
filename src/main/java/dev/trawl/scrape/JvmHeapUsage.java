package dev.trawl.scrape;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;

/**
 * Heap use as the JVM reports it. This counts garbage not yet collected too, so a reading near the
 * top can fall on the next collection; callers that act on it pause or recycle, they never fail.
 */
@ApplicationScoped
public class JvmHeapUsage implements HeapUsage {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @Override
    public double fraction() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        // The max is undefined (-1) for some collectors and settings; the runtime's limit stands in.
        long max = heap.getMax() > 0 ? heap.getMax() : Runtime.getRuntime().maxMemory();
        return max <= 0 ? 0 : (double) heap.getUsed() / max;
    }
}
