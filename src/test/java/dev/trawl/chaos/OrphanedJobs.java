package dev.trawl.chaos;

import dev.trawl.support.Database;
import dev.trawl.support.PlatformProcess;
import dev.trawl.support.RedisCli;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The jobs a SIGKILLed worker left behind, taken right after its death, and how long each took
 * to run again: the time from the kill to the job's next {@code started} event (whose stream id
 * is Redis's clock, on this machine). A job is orphaned if it was running under the dead
 * process's lease, or still queued with its stream entry read by the dead process's consumer
 * (read, not yet started).
 */
final class OrphanedJobs {

    private static final List<String> PRIORITIES = List.of("high", "normal", "low");

    private OrphanedJobs() {}

    /** A job the killed worker held, with the attempt it had then; {@code running} if it held its lease. */
    record Orphan(String jobId, long attemptAtKill, boolean running) {}

    /** One kill: when (ms since the epoch, taken just before the signal), and what the worker held. */
    record Kill(long atMillis, String worker, List<Orphan> orphans) {

        long running() {
            return orphans.stream().filter(Orphan::running).count();
        }
    }

    /** Read once {@code victim} has exited: nothing it held can change but by another worker. */
    static Kill snapshot(long killedAtMillis, PlatformProcess victim, Database db, RedisCli redis, String prefix) {
        Map<String, Orphan> orphans = new LinkedHashMap<>();
        // the lease owner is <host>-<pid>-<8 hex digits> (WorkerIdentity)
        db.counts("SELECT id::text, attempt FROM jobs WHERE state = 'running' AND lease_owner LIKE '%-" + victim.pid()
                        + "-________'")
                .forEach((id, attempt) -> orphans.put(id, new Orphan(id, attempt, true)));
        List<String> read = readByConsumerOf(victim, redis, prefix);
        if (!read.isEmpty()) {
            db.counts("SELECT id::text, attempt FROM jobs WHERE state = 'queued' AND id::text = ANY('{"
                            + String.join(",", read) + "}')")
                    .forEach((id, attempt) -> orphans.putIfAbsent(id, new Orphan(id, attempt, false)));
        }
        return new Kill(killedAtMillis, victim.name(), List.copyOf(orphans.values()));
    }

    /** The job ids of the entries pending on the victim's consumer ({@code <host>-<pid>}) in every priority stream. */
    private static List<String> readByConsumerOf(PlatformProcess victim, RedisCli redis, String prefix) {
        List<String> jobIds = new ArrayList<>();
        for (String priority : PRIORITIES) {
            String stream = prefix + "jobs:" + priority;
            for (Object consumer : (List<?>) redis.call("XINFO", "CONSUMERS", stream, "workers")) {
                String name = (String) field((List<?>) consumer, "name");
                if (!name.endsWith("-" + victim.pid())) {
                    continue;
                }
                for (Object pending : (List<?>) redis.call("XPENDING", stream, "workers", "-", "+", "100000", name)) {
                    String id = (String) ((List<?>) pending).get(0);
                    for (Object entry : (List<?>) redis.call("XRANGE", stream, id, id)) {
                        Object payload = field((List<?>) ((List<?>) entry).get(1), "payload");
                        if (payload != null) {
                            jobIds.add((String) payload);
                        }
                    }
                }
            }
        }
        return jobIds;
    }

    /** From the kill to the orphan's first {@code started} event of a later attempt; empty if it never ran again. */
    static OptionalLong recoveryMillis(Kill kill, Orphan orphan, RedisCli redis, String prefix) {
        for (Object entry : (List<?>) redis.call("XRANGE", prefix + "job:" + orphan.jobId() + ":events", "-", "+")) {
            List<?> fields = (List<?>) ((List<?>) entry).get(1);
            if (!"started".equals(field(fields, "t"))) {
                continue;
            }
            long at = Long.parseLong(((String) ((List<?>) entry).get(0)).split("-")[0]);
            long attempt = new JsonObject((String) field(fields, "d"))
                    .getJsonObject("data")
                    .getLong("attempt");
            if (attempt > orphan.attemptAtKill() && at >= kill.atMillis()) {
                return OptionalLong.of(at - kill.atMillis());
            }
        }
        return OptionalLong.empty();
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static Object field(List<?> flat, String name) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (name.equals(flat.get(i))) {
                return flat.get(i + 1);
            }
        }
        return null;
    }
}
