package dev.trawl.job;

import java.util.List;

/**
 * What a client asked for, validated and with its URL in canonical form. It is stored as the
 * job's {@code request} column and is what a worker runs.
 */
public record JobSpec(String url, List<String> formats, Priority priority) {

    public JobSpec {
        formats = List.copyOf(formats);
    }
}
