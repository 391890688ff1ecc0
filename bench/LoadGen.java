import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trawl load generator: a single-file JDK 17 program (run with {@code java bench/LoadGen.java}).
 *
 * <p>It serves a tiny target site on 127.0.0.1 (random port), submits JOBS distinct scrape jobs
 * to the platform from CLIENTS concurrent threads (phase 1, "submit"), then watches PostgreSQL
 * until every accepted job is finished (phase 2, "complete") and prints the figures.
 *
 * <p>Everything it talks to is on the loopback interface: the platform URL must be a
 * 127.0.0.1 / localhost URL, the target site binds 127.0.0.1 only, and every link in its pages
 * points back to it.
 */
public class LoadGen {

    // ---- options ---------------------------------------------------------------------------
    static String api = "http://127.0.0.1:18080";
    static int jobs = 5000;
    static int clients = 50;
    static String workerConcurrency = "?";
    static String pgHost = "127.0.0.1";
    static String pgPort = "5432";
    static String pgUser = "postgres";
    static String pgDb = "trawl_bench";
    static long timeoutSeconds = 600;
    static long pollMillis = 200;
    static String environment = "";
    static String command = "java bench/LoadGen.java";
    static long platformPid = -1;
    static long clockTicks = 100;

    // ---- target site counters ----------------------------------------------------------------
    static final AtomicLong pagesServed = new AtomicLong();
    static final AtomicLong robotsServed = new AtomicLong();
    static final AtomicLong otherServed = new AtomicLong();

    public static void main(String[] args) throws Exception {
        parse(args);
        URI apiUri = URI.create(api);
        String apiHost = apiUri.getHost();
        if (!"127.0.0.1".equals(apiHost) && !"localhost".equals(apiHost)) {
            die("--api must point at 127.0.0.1 (loopback only), got " + api);
        }

        // ---- the target site -----------------------------------------------------------------
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        ExecutorService siteThreads = Executors.newFixedThreadPool(16, daemon("site"));
        site.setExecutor(siteThreads);
        site.createContext("/", LoadGen::serve);
        site.start();
        int sitePort = site.getAddress().getPort();
        String siteBase = "http://127.0.0.1:" + sitePort;

        // Sanity: the site answers, and the database is reachable before any load is sent.
        long[] baseline = pollCounts();
        if (baseline == null) {
            die("cannot query PostgreSQL database " + pgDb + " on " + pgHost + ":" + pgPort + " with psql");
        }

        CpuSnapshot cpuBefore = CpuSnapshot.take();

        // ---- phase 1: submit -----------------------------------------------------------------
        AtomicInteger remaining = new AtomicInteger(jobs);   // slots still to be accepted
        AtomicInteger nextPage = new AtomicInteger();         // every attempt gets a distinct URL
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        int maxFailures = Math.max(100, jobs);
        Map<String, AtomicInteger> nonAccepted = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        List<long[]> latencyLists = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        URI submitUri = apiUri.resolve("/v1/jobs");

        ExecutorService submitters = Executors.newFixedThreadPool(clients, daemon("client"));
        List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            futures.add(submitters.submit(() -> {
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                long[] lat = new long[Math.max(16, jobs / clients + 16)];
                int n = 0;
                while (takeSlot(remaining)) {
                    if (failures.get() >= maxFailures || System.nanoTime() > deadline) {
                        remaining.incrementAndGet();
                        break;
                    }
                    int page = nextPage.getAndIncrement();
                    String body = "{\"url\":\"" + siteBase + "/page?n=" + page + "\"}";
                    HttpRequest request = HttpRequest.newBuilder(submitUri)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build();
                    long start = System.nanoTime();
                    String problem;
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - start;
                        if (response.statusCode() == 202) {
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, lat.length * 2);
                            }
                            lat[n++] = took;
                            accepted.incrementAndGet();
                            continue;
                        }
                        problem = "HTTP " + response.statusCode();
                        if (samples.size() < 5) {
                            samples.add(problem + ": " + abbreviate(response.body()));
                        }
                    } catch (IOException e) {
                        problem = e.getClass().getSimpleName();
                        if (samples.size() < 5) {
                            samples.add(problem + ": " + e.getMessage());
                        }
                    }
                    // Not accepted: give the slot back and try again with a new URL.
                    nonAccepted.computeIfAbsent(problem, k -> new AtomicInteger()).incrementAndGet();
                    failures.incrementAndGet();
                    remaining.incrementAndGet();
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        for (var f : futures) {
            latencyLists.add(f.get());
        }
        long tSubmitEnd = System.nanoTime();
        submitters.shutdown();

        int acceptedJobs = accepted.get();
        long[] all = latencyLists.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double submitSeconds = (tSubmitEnd - t0) / 1e9;
        int non202 = nonAccepted.values().stream().mapToInt(AtomicInteger::get).sum();

        // ---- phase 2: complete ---------------------------------------------------------------
        long[] atSubmitEnd = pollCounts();
        long doneAtSubmitEnd = atSubmitEnd == null ? 0 : finished(atSubmitEnd, baseline);
        long[] last = atSubmitEnd;
        long tDone = -1;
        long tLastProgress = tSubmitEnd;
        long lastFinished = doneAtSubmitEnd;
        int pollFailures = 0;
        if (doneAtSubmitEnd >= acceptedJobs) {
            tDone = tSubmitEnd;
        }
        while (tDone < 0 && System.nanoTime() < deadline) {
            Thread.sleep(pollMillis);
            long[] counts = pollCounts();
            long now = System.nanoTime();
            if (counts == null) {
                if (++pollFailures > 25) {
                    System.err.println("loadgen: psql keeps failing; giving up on completion");
                    break;
                }
                continue;
            }
            last = counts;
            long done = finished(counts, baseline);
            if (done > lastFinished) {
                lastFinished = done;
                tLastProgress = now;
            }
            if (done >= acceptedJobs) {
                tDone = now;
            }
        }
        long tEnd = tDone >= 0 ? tDone : System.nanoTime();
        CpuSnapshot cpuAfter = CpuSnapshot.take();

        long succeeded = last == null ? 0 : last[0] - baseline[0];
        long failedJobs = last == null ? 0 : last[1] - baseline[1];
        long finishedJobs = succeeded + failedJobs;
        double e2eSeconds = (tEnd - t0) / 1e9;
        double drainSeconds = (tEnd - tSubmitEnd) / 1e9;
        long drained = finishedJobs - doneAtSubmitEnd;

        // ---- report ---------------------------------------------------------------------------
        StringBuilder out = new StringBuilder();
        out.append("Trawl benchmark (").append(environment.isBlank() ? Runtime.getRuntime().availableProcessors() + " cores" : environment).append(")\n");
        out.append(String.format("jobs=%d clients=%d worker-concurrency=%s  target=%s/page?n=..  platform=%s%n",
                jobs, clients, workerConcurrency, siteBase, api));
        out.append(String.format("submit:   %.0f jobs/s  p50=%.1f ms p95=%.1f ms p99=%.1f ms max=%.1f ms  non-202=%d  (%d accepted in %.2f s)%n",
                acceptedJobs / submitSeconds, pct(all, 50), pct(all, 95), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, non202, acceptedJobs, submitSeconds));
        if (non202 > 0) {
            out.append("          non-202 answers: ").append(nonAccepted).append('\n');
            for (String s : samples) {
                out.append("          e.g. ").append(s).append('\n');
            }
        }
        if (acceptedJobs < jobs) {
            out.append(String.format("          WARNING: only %d of %d jobs were accepted (gave up after %d failures or the %d s timeout)%n",
                    acceptedJobs, jobs, failures.get(), timeoutSeconds));
        }
        if (tDone >= 0) {
            out.append(String.format("complete: %.0f jobs/s end to end (%d jobs in %.2f s from first submit); drain after last submit %s; failed=%d%n",
                    finishedJobs / e2eSeconds, finishedJobs, e2eSeconds,
                    drained > 0 && drainSeconds > 0
                            ? String.format("%.0f jobs/s (%d jobs in %.2f s)", drained / drainSeconds, drained, drainSeconds)
                            : "n/a (all done by the end of submit)",
                    failedJobs));
        } else {
            out.append(String.format("complete: NOT FINISHED after %.0f s: %d of %d accepted jobs finished (%d succeeded, %d failed/cancelled/aborted/duplicate), last progress %.1f s after first submit%n",
                    e2eSeconds, finishedJobs, acceptedJobs, succeeded, failedJobs, (tLastProgress - t0) / 1e9));
            out.append(String.format("          so far: %.0f jobs/s end to end; drain after last submit %.0f jobs/s%n",
                    finishedJobs / e2eSeconds, drainSeconds > 0 ? drained / drainSeconds : 0.0));
            out.append("          job states: ").append(stateBreakdown()).append('\n');
        }
        if (failedJobs > 0 && tDone >= 0) {
            out.append("          job states: ").append(stateBreakdown()).append('\n');
        }
        out.append(String.format("          (%d of %d finished when submit ended; completion polled in PostgreSQL every %d ms)%n",
                doneAtSubmitEnd, acceptedJobs, pollMillis));
        out.append(String.format("target:   %d page requests served (%d robots.txt, %d other) for %d accepted jobs%n",
                pagesServed.get(), robotsServed.get(), otherServed.get(), acceptedJobs));
        out.append("cpu:      ").append(cpuBefore.describe(cpuAfter, (tEnd - t0) / 1e9)).append('\n');
        out.append("command: ").append(command).append('\n');
        System.out.print(out);
        System.out.flush();

        site.stop(0);
        siteThreads.shutdownNow();
        System.exit(acceptedJobs == jobs && tDone >= 0 ? 0 : 2);
    }

    // ---- target site -----------------------------------------------------------------------------

    static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            byte[] body;
            int status;
            String type;
            if ("/page".equals(path)) {
                pagesServed.incrementAndGet();
                String n = query != null && query.startsWith("n=") ? query.substring(2) : "0";
                body = page(n).getBytes(StandardCharsets.UTF_8);
                status = 200;
                type = "text/html; charset=utf-8";
            } else if ("/robots.txt".equals(path)) {
                robotsServed.incrementAndGet();
                body = "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8);
                status = 200;
                type = "text/plain; charset=utf-8";
            } else {
                otherServed.incrementAndGet();
                body = "not found\n".getBytes(StandardCharsets.UTF_8);
                status = 404;
                type = "text/plain; charset=utf-8";
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** About 1 KB of HTML: a title, a meta description, a heading, some text and a few links. */
    static String page(String n) {
        String safe = n.replaceAll("[^0-9A-Za-z_-]", "");
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Trawl bench page %1$s</title>
                  <meta name="description" content="A small static page served by the Trawl load generator (page %1$s).">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                </head>
                <body>
                  <header><nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/page?n=0">First page</a></nav></header>
                  <main>
                    <h1>Bench page %1$s</h1>
                    <p>This page exists so that a scrape job has something realistic but cheap to fetch:
                       a title, a description, a few paragraphs and a handful of links.</p>
                    <p>Trawl extracts the metadata, turns the body into markdown and lists the links.
                       Nothing here is dynamic apart from the page number.</p>
                    <ul>
                      <li><a href="/page?n=%1$s&amp;next=1">Next</a></li>
                      <li><a href="/page?n=%1$s&amp;prev=1">Previous</a></li>
                      <li><a href="/articles/%1$s">Article %1$s</a></li>
                      <li><a href="/contact">Contact</a></li>
                    </ul>
                  </main>
                  <footer><p>&copy; Trawl bench. All requests stay on 127.0.0.1.</p></footer>
                </body>
                </html>
                """.formatted(safe);
    }

    // ---- PostgreSQL polling ----------------------------------------------------------------------

    /** {succeeded, failed-or-otherwise-terminal, total}, or null when psql fails. */
    static long[] pollCounts() {
        String out = psql("select count(*) filter (where state='succeeded'), "
                + "count(*) filter (where state in ('failed','cancelled','aborted','duplicate')), "
                + "count(*) from jobs");
        if (out == null) {
            return null;
        }
        String[] parts = out.trim().split("\\|");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()), Long.parseLong(parts[2].trim())};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static long finished(long[] counts, long[] baseline) {
        return (counts[0] - baseline[0]) + (counts[1] - baseline[1]);
    }

    static String stateBreakdown() {
        String out = psql("select coalesce(string_agg(state || '=' || n, ' ' order by state), 'none') "
                + "from (select state, count(*) n from jobs group by state) s");
        return out == null ? "(psql failed)" : out.trim();
    }

    static String psql(String sql) {
        try {
            Process p = new ProcessBuilder("psql", "-X", "-q", "-h", pgHost, "-p", pgPort, "-U", pgUser, "-d", pgDb,
                    "-v", "ON_ERROR_STOP=1", "-tAc", sql)
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                System.err.println("loadgen: psql failed: " + text.trim());
                return null;
            }
            return text;
        } catch (IOException e) {
            System.err.println("loadgen: cannot run psql: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- CPU accounting (Linux /proc) ----------------------------------------------------------------

    /**
     * CPU time of the whole machine and of every live process, so the report can say where the
     * two cores went: the platform, this load generator, PostgreSQL, Redis, or something else
     * running at the same time (which makes the figures lower than they should be).
     */
    record CpuSnapshot(long machineBusy, long machineTotal, long selfNanos, Map<Long, Proc> procs) {

        record Proc(String comm, long start, long ticks) { }

        static CpuSnapshot take() {
            long busy = 0;
            long total = 0;
            try {
                // user nice system idle iowait irq softirq steal: steal is time the host took away
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
            } catch (Exception e) {
                total = -1;
            }
            long self = -1;
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                self = sun.getProcessCpuTime();
            }
            Map<Long, Proc> procs = new java.util.HashMap<>();
            try (var list = Files.list(Path.of("/proc"))) {
                for (Path dir : (Iterable<Path>) list::iterator) {
                    String name = dir.getFileName().toString();
                    if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(dir.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        String comm = stat.substring(stat.indexOf('(') + 1, close);
                        String[] f = stat.substring(close + 2).trim().split("\\s+");
                        procs.put(Long.parseLong(name), new Proc(comm, Long.parseLong(f[19]), Long.parseLong(f[11]) + Long.parseLong(f[12])));
                    } catch (Exception e) {
                        // the process ended meanwhile
                    }
                }
            } catch (Exception e) {
                // no /proc: report the machine figure only
            }
            return new CpuSnapshot(busy, total, self, procs);
        }

        /** The CPU a process used between the two snapshots, in seconds (all of it if it is new). */
        double used(CpuSnapshot after, long pid) {
            Proc a = after.procs.get(pid);
            if (a == null) {
                return 0;
            }
            Proc b = procs.get(pid);
            long before = b != null && b.start == a.start ? b.ticks : 0;   // same process, not a reused pid
            return Math.max(0, a.ticks - before) / (double) clockTicks;
        }

        String describe(CpuSnapshot after, double seconds) {
            long selfPid = ProcessHandle.current().pid();
            double platform = 0;
            double postgres = 0;
            double redis = 0;
            Map<String, Double> others = new java.util.HashMap<>();
            for (var e : after.procs.entrySet()) {
                long pid = e.getKey();
                if (pid == selfPid) {
                    continue;
                }
                double v = used(after, pid);
                String comm = e.getValue().comm;
                if (pid == platformPid) {
                    platform += v;
                } else if (comm.startsWith("postgres")) {
                    postgres += v;
                } else if (comm.startsWith("redis-server")) {
                    redis += v;
                } else if (v > 0) {
                    others.merge(comm, v, Double::sum);
                }
            }
            double self = selfNanos >= 0 && after.selfNanos >= 0 ? (after.selfNanos - selfNanos) / 1e9 : 0;
            double other = others.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder out = new StringBuilder();
            double busySeconds = -1;
            if (machineTotal > 0 && after.machineTotal > machineTotal) {
                busySeconds = (after.machineBusy - machineBusy) / (double) clockTicks;
                out.append(String.format("machine %.0f%% busy (%.1f cpu-s in %.1f s): ",
                        100.0 * (after.machineBusy - machineBusy) / (after.machineTotal - machineTotal), busySeconds, seconds));
            }
            out.append(String.format("platform %.1f, load generator + site %.1f, PostgreSQL %.1f, Redis %.1f, other processes %.1f",
                    platform, self, postgres, redis, other));
            double unattributed = 0;
            if (busySeconds >= 0) {
                unattributed = Math.max(0, busySeconds - (platform + self + postgres + redis + other));
                out.append(String.format(", ended processes (psql polls, builds) and kernel %.1f", unattributed));
            }
            if (busySeconds > 0 && other + unattributed > 0.12 * busySeconds) {
                String top = others.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3)
                        .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", "));
                out.append(String.format("%n          WARNING: %.0f%% of the CPU went to other processes (%s%s): something else"
                        + " was running, so these figures are lower than on a quiet machine",
                        100 * (other + unattributed) / busySeconds, top.isEmpty() ? "" : top + ", ",
                        String.format("%.1f in processes that ended or the kernel", unattributed)));
            }
            return out.toString();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Takes one of the slots still to be accepted; false when none is left. */
    static boolean takeSlot(AtomicInteger remaining) {
        while (true) {
            int r = remaining.get();
            if (r <= 0) {
                return false;
            }
            if (remaining.compareAndSet(r, r - 1)) {
                return true;
            }
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void die(String message) {
        System.err.println("loadgen: " + message);
        System.exit(1);
    }

    static void parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                die("unexpected argument " + a + usage());
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                key = a.substring(2);
                if (i + 1 >= args.length) {
                    die("missing value for " + a + usage());
                }
                value = args[++i];
            }
            opts.put(key, value);
        }
        try {
            for (var e : opts.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "api" -> api = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                    case "jobs" -> jobs = Integer.parseInt(v);
                    case "clients" -> clients = Integer.parseInt(v);
                    case "worker-concurrency" -> workerConcurrency = v;
                    case "pg-host" -> pgHost = v;
                    case "pg-port" -> pgPort = v;
                    case "pg-user" -> pgUser = v;
                    case "db" -> pgDb = v;
                    case "timeout" -> timeoutSeconds = Long.parseLong(v);
                    case "poll-ms" -> pollMillis = Long.parseLong(v);
                    case "env" -> environment = v;
                    case "command" -> command = v;
                    case "platform-pid" -> platformPid = Long.parseLong(v);
                    case "clock-ticks" -> clockTicks = Long.parseLong(v);
                    default -> die("unknown option --" + e.getKey() + usage());
                }
            }
        } catch (NumberFormatException e) {
            die("bad number: " + e.getMessage() + usage());
        }
        if (jobs < 1 || clients < 1 || timeoutSeconds < 1 || pollMillis < 10) {
            die("jobs, clients and timeout must be positive, poll-ms at least 10" + usage());
        }
        if (!"127.0.0.1".equals(pgHost) && !"localhost".equals(pgHost)) {
            die("--pg-host must be 127.0.0.1 (loopback only)");
        }
    }

    static String usage() {
        return "\nusage: java bench/LoadGen.java [--api http://127.0.0.1:18080] [--jobs 5000] [--clients 50]"
                + " [--db trawl_bench] [--timeout 600] [--poll-ms 200] [--worker-concurrency N] [--env TEXT]"
                + " [--command TEXT] [--platform-pid PID] [--clock-ticks 100]";
    }
}
