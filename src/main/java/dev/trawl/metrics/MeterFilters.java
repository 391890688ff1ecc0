package dev.trawl.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the frameworks export, made fit for Prometheus: the HTTP server's latency as a histogram
 * (so p95 can be computed across pods), Vert.x client series whose metrics name is empty given one
 * (Prometheus showed them as {@code m__*}), and camelCase names and labels (the Vert.x clients'
 * {@code clientName}, SmallRye Fault Tolerance's {@code executionDuration}) in snake case. Quarkus
 * applies every {@link MeterFilter} bean before the first meter is made; these run once per meter,
 * when it is registered, never when it is counted.
 */
@Singleton
public class MeterFilters {

    /**
     * The HTTP server histogram's buckets, from a cached read to a slow batch submit: a dozen
     * fixed bounds rather than Micrometer's ~70, since every route and status multiplies them.
     */
    static final double[] HTTP_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos())
            .toArray();

    static final String UNNAMED_CLIENT_PREFIX = "vertx.client";

    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");

    @Produces
    @Singleton
    MeterFilter httpServerLatencyHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("http.server.requests")) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(false)
                        .serviceLevelObjectives(HTTP_BUCKETS)
                        .build()
                        .merge(config);
            }
        };
    }

    @Produces
    @Singleton
    MeterFilter prometheusFriendlyFrameworkNames() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return prometheusFriendly(id);
            }
        };
    }

    static Meter.Id prometheusFriendly(Meter.Id id) {
        String name = id.getName();
        if (!name.isEmpty() && !Character.isLetter(name.charAt(0))) {
            name = UNNAMED_CLIENT_PREFIX + (name.startsWith(".") ? name : "." + name);
        }
        name = snakeCase(name);
        List<Tag> tags = new ArrayList<>();
        boolean tagRenamed = false;
        for (Tag tag : id.getTagsAsIterable()) {
            String key = snakeCase(tag.getKey());
            tagRenamed |= !key.equals(tag.getKey());
            tags.add(Tag.of(key, tag.getValue()));
        }
        Meter.Id named = name.equals(id.getName()) ? id : id.withName(name);
        return tagRenamed ? named.replaceTags(tags) : named;
    }

    /** {@code executionDuration} → {@code execution_duration}; a name without capitals is returned as it is. */
    static String snakeCase(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return CAMEL_HUMP.matcher(name).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }
}
