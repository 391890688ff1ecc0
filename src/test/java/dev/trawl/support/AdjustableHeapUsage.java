package dev.trawl.support;

import dev.trawl.scrape.HeapUsage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/** A heap reading the test sets; enabled only by the test profiles that list it. */
@Alternative
@ApplicationScoped
public class AdjustableHeapUsage implements HeapUsage {

    private volatile double fraction = 0.3;

    public void set(double fraction) {
        this.fraction = fraction;
    }

    @Override
    public double fraction() {
        return fraction;
    }
}
