package dev.trawl.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link JobKeyBenchmark} with JMH (its own output first) and prints one line per request:
 * mean, p50, p99 and p99.9 of single calls (SampleTime), calls per second on one thread
 * (Throughput) and bytes allocated per call (the gc profiler).
 *
 * <p>Arguments are JMH's own command-line options, e.g. {@code -f 1 -wi 3 -i 3} for a quicker run;
 * a trailing {@code --command TEXT} names the command that made the figures.
 */
public final class JobKeyBench {

    private JobKeyBench() {
    }

    public static void main(String[] args) throws Exception {
        String command = "";
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--command".equals(args[i]) && i + 1 < args.length) {
                command = args[++i];
            } else {
                jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .include(JobKeyBenchmark.class.getName() + ".jobKey");
        if (cli.getProfilers().isEmpty()) {
            options.addProfiler("gc");
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        StringBuilder out = new StringBuilder();
        out.append("\nTrawl job key benchmark: JobKey.of(JobSpec), one thread, JMH ")
                .append(org.openjdk.jmh.util.Version.getPlainVersion()).append(", Java ")
                .append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
        out.append(String.format("%-16s %9s %9s %9s %9s %12s %8s %s%n",
                "request", "mean us", "p50 us", "p99 us", "p99.9 us", "ops/s", "B/op", "(samples)"));
        for (String request : List.of("single-page", "large-crawl", "largest-allowed")) {
            RunResult sample = find(results, request, "SampleTime");
            RunResult throughput = find(results, request, "Throughput");
            if (sample == null && throughput == null) {
                continue;
            }
            String mean = "-";
            String p50 = "-";
            String p99 = "-";
            String p999 = "-";
            String samples = "";
            String bytes = "-";
            if (sample != null) {
                Result<?> primary = sample.getPrimaryResult();
                double toMicros = toMicros(primary.getScoreUnit());
                Statistics stats = primary.getStatistics();
                mean = String.format("%.2f", stats.getMean() * toMicros);
                p50 = String.format("%.2f", stats.getPercentile(50) * toMicros);
                p99 = String.format("%.2f", stats.getPercentile(99) * toMicros);
                p999 = String.format("%.2f", stats.getPercentile(99.9) * toMicros);
                samples = "(" + stats.getN() + ")";
            }
            String ops = "-";
            if (throughput != null) {
                Result<?> primary = throughput.getPrimaryResult();
                ops = String.format("%,.0f ± %,.0f", primary.getScore() * perSecond(primary.getScoreUnit()),
                        primary.getScoreError() * perSecond(primary.getScoreUnit()));
            }
            RunResult any = throughput != null ? throughput : sample;
            for (Map.Entry<String, Result> e : any.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = String.format("%.0f", e.getValue().getScore());
                }
            }
            out.append(String.format("%-16s %9s %9s %9s %9s %12s %8s %s%n", request, mean, p50, p99, p999,
                    ops, bytes, samples));
        }
        out.append("mean/p50/p99/p99.9: SampleTime, every call timed on its own (includes ~20-30 ns of timer);"
                + " ops/s: Throughput mode, ± its 99.9% confidence interval; B/op: allocated per call\n");
        if (!command.isEmpty()) {
            out.append("command: ").append(command).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }

    private static RunResult find(Collection<RunResult> results, String request, String mode) {
        for (RunResult r : results) {
            var params = r.getParams();
            if (request.equals(params.getParam("request")) && mode.equals(params.getMode().name())) {
                return r;
            }
        }
        return null;
    }

    /** Factor from a score unit like "us/op" or "ms/op" to microseconds. */
    private static double toMicros(String unit) {
        return switch (unit.split("/")[0]) {
            case "ns" -> 1e-3;
            case "us" -> 1;
            case "ms" -> 1e3;
            case "s" -> 1e6;
            default -> throw new IllegalArgumentException("unexpected unit " + unit);
        };
    }

    /** Factor from a score unit like "ops/us" to operations per second. */
    private static double perSecond(String unit) {
        String per = unit.split("/")[1];
        TimeUnit tu = switch (per) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "min" -> TimeUnit.MINUTES;
            default -> throw new IllegalArgumentException("unexpected unit " + unit);
        };
        return 1e9 / tu.toNanos(1);
    }
}
