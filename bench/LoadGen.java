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
import java.time.OffsetDateTime;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
    static String mode = "submit";
    static int pages = 600;            // crawl mode: pages of the target site (and maxPages of the job)
    static int maxDepth = 20;          // crawl mode: maxDepth of the job
    static int pageKb = 20;            // crawl mode: size of one page
    static int concurrency = 8;        // crawl mode: the per-site concurrency the platform runs with (for the report)
    static long siteDelayMillis = 0;   // crawl mode: time the site takes per page (0: answer at once)

    // ---- target site counters ----------------------------------------------------------------
    static final AtomicLong pagesServed = new AtomicLong();
    static final AtomicLong robotsServed = new AtomicLong();
    static final AtomicLong otherServed = new AtomicLong();

    public static void main(String[] args) throws Exception {
        // The JDK's HttpServer leaves Nagle's algorithm on and writes a response's headers and body
        // separately: on a keep-alive connection the body then waits for the client's delayed ACK,
        // about 40 ms per response on Linux, and the "instant" site is not instant. Real web
        // servers set TCP_NODELAY; so does this one (read once, before the first server is created).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        parse(args);
        URI apiUri = URI.create(api);
        String apiHost = apiUri.getHost();
        if (!"127.0.0.1".equals(apiHost) && !"localhost".equals(apiHost)) {
            die("--api must point at 127.0.0.1 (loopback only), got " + api);
        }
        if ("crawl".equals(mode)) {
            Crawl.run(apiUri);
            return;
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
        if (!command.isEmpty()) {
            out.append("command: ").append(command).append('\n');
        }
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
            respond(exchange, status, type, body);
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
                    case "mode" -> mode = v;
                    case "pages" -> pages = Integer.parseInt(v);
                    case "max-depth" -> maxDepth = Integer.parseInt(v);
                    case "page-kb" -> pageKb = Integer.parseInt(v);
                    case "concurrency" -> concurrency = Integer.parseInt(v);
                    case "site-delay-ms" -> siteDelayMillis = Long.parseLong(v);
                    default -> die("unknown option --" + e.getKey() + usage());
                }
            }
        } catch (NumberFormatException e) {
            die("bad number: " + e.getMessage() + usage());
        }
        if (jobs < 1 || clients < 1 || timeoutSeconds < 1 || pollMillis < 10) {
            die("jobs, clients and timeout must be positive, poll-ms at least 10" + usage());
        }
        if (!"submit".equals(mode) && !"crawl".equals(mode)) {
            die("--mode must be submit or crawl, got " + mode + usage());
        }
        if (pages < 2 || pages > 100_000 || maxDepth < 1 || pageKb < 1 || pageKb > 1024 || concurrency < 1
                || siteDelayMillis < 0 || siteDelayMillis > 10_000) {
            die("crawl mode needs pages in [2, 100000], max-depth >= 1, page-kb in [1, 1024], concurrency >= 1"
                    + " and site-delay-ms in [0, 10000]" + usage());
        }
        if (!"127.0.0.1".equals(pgHost) && !"localhost".equals(pgHost)) {
            die("--pg-host must be 127.0.0.1 (loopback only)");
        }
    }

    static String usage() {
        return "\nusage: java bench/LoadGen.java [--api http://127.0.0.1:18080] [--jobs 5000] [--clients 50]"
                + " [--db trawl_bench] [--timeout 600] [--poll-ms 200] [--worker-concurrency N] [--env TEXT]"
                + " [--command TEXT] [--platform-pid PID] [--clock-ticks 100]"
                + "\n       crawl mode: --mode crawl [--pages 600] [--max-depth 20] [--page-kb 20] [--concurrency C]"
                + " [--site-delay-ms 0] [--api ...] [--timeout 600] [--poll-ms 200] [--platform-pid PID]";
    }

    // ---- crawl mode --------------------------------------------------------------------------------

    /**
     * Crawl mode: a site of {@code pages} linked pages of about {@code pageKb} KB each at
     * {@code /crawl/p0} .. {@code /crawl/p<pages-1>}, one crawl job over all of it, and the figures:
     * pages per second, how often each page was served (a page served twice is a bug), and the
     * peak resident memory of the platform process while it crawled.
     */
    static final class Crawl {

        static final Pattern PAGE_PATH = Pattern.compile("/crawl/p(0|[1-9][0-9]{0,5})");
        static final String[] WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
                + " incididunt labore dolore magna aliqua enim minim veniam quis nostrud exercitation ullamco laboris"
                + " nisi aliquip commodo consequat duis aute irure reprehenderit voluptate velit esse cillum fugiat"
                + " nulla pariatur excepteur sint occaecat cupidatat proident culpa officia deserunt mollit anim est"
                + " crawler frontier politeness queue worker lease page link breadth depth budget").split(" ");

        static byte[][] site;
        static AtomicIntegerArray servedPerPage;
        static final AtomicLong served = new AtomicLong();
        static final AtomicInteger inFlight = new AtomicInteger();
        static final AtomicInteger peakInFlight = new AtomicInteger();
        static final AtomicLong firstServedNanos = new AtomicLong();
        static final AtomicLong lastServedNanos = new AtomicLong();
        static int linksPerPage;

        static void run(URI apiUri) throws Exception {
            site = new byte[pages][];
            long siteBytes = 0;
            for (int i = 0; i < pages; i++) {
                site[i] = page(i).getBytes(StandardCharsets.UTF_8);
                siteBytes += site[i].length;
            }
            servedPerPage = new AtomicIntegerArray(pages);

            // Enough threads that the site never caps the concurrency the platform may use.
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            ExecutorService threads = Executors.newFixedThreadPool(Math.max(16, concurrency + 16), daemon("site"));
            server.setExecutor(threads);
            server.createContext("/", Crawl::serve);
            server.start();
            String siteBase = "http://127.0.0.1:" + server.getAddress().getPort();

            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);

            RssSampler rss = new RssSampler(platformPid, deadline);
            long rssBefore = rss.readKb("VmRSS");
            CpuSnapshot cpuBefore = CpuSnapshot.take();
            Thread sampler = new Thread(rss, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();

            // ---- submit one crawl job -----------------------------------------------------------------
            String body = "{\"url\":\"" + siteBase + "/crawl/p0\",\"formats\":[\"metadata\",\"links\"],"
                    + "\"crawl\":{\"maxPages\":" + pages + ",\"maxDepth\":" + maxDepth + "}}";
            long t0 = System.nanoTime();
            HttpResponse<String> submitted;
            try {
                submitted = http.send(HttpRequest.newBuilder(apiUri.resolve("/v1/jobs"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                die("submitting the crawl job failed: " + e);
                return;
            }
            String id = field(submitted.body(), "id");
            if (submitted.statusCode() != 202 || id == null) {
                die("the crawl job was not accepted: HTTP " + submitted.statusCode() + ": " + abbreviate(submitted.body()));
            }

            // ---- wait for it: GET /v1/jobs/{id} every poll-ms, up to the timeout ------------------
            URI statusUri = apiUri.resolve("/v1/jobs/" + id);
            String status = "queued";
            String last = submitted.body();
            long tEnd = -1;
            int pollFailures = 0;
            while (System.nanoTime() < deadline) {
                Thread.sleep(pollMillis);
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(statusUri)
                            .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
                    }
                    last = r.body();
                    status = String.valueOf(field(last, "status"));
                } catch (IOException e) {
                    if (++pollFailures > 25) {
                        System.err.println("loadgen: GET " + statusUri + " keeps failing (" + e.getMessage() + "); giving up");
                        break;
                    }
                    continue;
                }
                if (!List.of("queued", "running", "retrying").contains(status)) {
                    tEnd = System.nanoTime();
                    break;
                }
            }
            boolean ended = tEnd >= 0;
            if (!ended) {
                tEnd = System.nanoTime();
                try {   // leave nothing running: ask the platform to cancel the crawl
                    http.send(HttpRequest.newBuilder(statusUri).timeout(Duration.ofSeconds(5)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                } catch (IOException e) {
                    // the platform is stopped by run.sh anyway
                }
            }
            rss.stop();
            sampler.join(1000);
            CpuSnapshot cpuAfter = CpuSnapshot.take();
            long hwm = rss.readKb("VmHWM");
            long rssAfter = rss.readKb("VmRSS");

            // ---- report ---------------------------------------------------------------------------------
            int stored = intField(last, "pages");
            double seconds = (tEnd - t0) / 1e9;
            int distinct = 0;
            List<String> twice = new ArrayList<>();
            int duplicates = 0;
            for (int i = 0; i < pages; i++) {
                int n = servedPerPage.get(i);
                if (n > 0) {
                    distinct++;
                }
                if (n > 1) {
                    duplicates += n - 1;
                    if (twice.size() < 5) {
                        twice.add("/crawl/p" + i + " x" + n);
                    }
                }
            }
            StringBuilder out = new StringBuilder();
            out.append(String.format("crawl: concurrency=%-4d pages=%d in %.1f s = %.1f pages/s  peak RSS %s  served=%d distinct=%d%s%n",
                    concurrency, stored, seconds, stored / seconds, mb(rss.peakKb()), served.get(), distinct,
                    duplicates > 0 ? "  DUPLICATES=" + duplicates + " (" + String.join(", ", twice) + ")" : ""));
            if (!ended) {
                out.append(String.format("       NOT FINISHED after %.0f s: job %s is '%s'; the site served %d of %d pages%n",
                        seconds, id, status, served.get(), pages));
            }
            String worker = "";
            Double createdToFinished = between(last, "createdAt", "finishedAt");
            Double running = between(last, "startedAt", "finishedAt");
            if (ended && running != null && running > 0) {
                worker = String.format(" worker %.2f s from start to finish (%.1f pages/s)%s;", running, stored / running,
                        createdToFinished == null ? "" : String.format(", %.2f s from created", createdToFinished));
            }
            out.append(String.format("       job %s:%s site (%d pages, %.1f KB and %d links each): %d requests in flight at most,"
                            + " first page %.2f s and last %.2f s after submit, %d robots.txt, %d other%n",
                    status, worker, pages, siteBytes / 1024.0 / pages, linksPerPage, peakInFlight.get(),
                    since(t0, firstServedNanos.get()), since(t0, lastServedNanos.get()), robotsServed.get(), otherServed.get()));
            out.append(String.format("       rss: %s before submit, peak %s (VmRSS every 100 ms, %d samples), %s at the end;"
                            + " VmHWM %s since the JVM started%n",
                    mb(rssBefore), mb(rss.peakKb()), rss.samples(), mb(rssAfter), mb(hwm)));
            out.append("       cpu: ").append(cpuBefore.describe(cpuAfter, seconds)).append('\n');
            if (!command.isEmpty()) {
                out.append("command: ").append(command).append('\n');
            }
            System.out.print(out);
            System.out.flush();
            if (!ended || !"succeeded".equals(status)) {
                System.err.println("loadgen: last answer for job " + id + ": " + abbreviate(last));
            }
            server.stop(0);
            threads.shutdownNow();
            boolean ok = ended && "succeeded".equals(status) && stored == pages && distinct == pages && duplicates == 0;
            System.exit(ok ? 0 : 2);
        }

        static void serve(HttpExchange exchange) throws IOException {
            int now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            try (exchange) {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                String path = exchange.getRequestURI().getPath();
                Matcher m = PAGE_PATH.matcher(path == null ? "" : path);
                int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
                byte[] body;
                int status = 200;
                String type = "text/html; charset=utf-8";
                if (n >= 0 && n < pages && exchange.getRequestURI().getRawQuery() == null) {
                    long t = System.nanoTime();
                    firstServedNanos.compareAndSet(0, t);
                    lastServedNanos.accumulateAndGet(t, Math::max);
                    served.incrementAndGet();
                    servedPerPage.incrementAndGet(n);
                    if (siteDelayMillis > 0) {
                        try {
                            Thread.sleep(siteDelayMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    body = site[n];
                } else if ("/robots.txt".equals(path)) {
                    robotsServed.incrementAndGet();
                    body = "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8);
                    type = "text/plain; charset=utf-8";
                } else {
                    otherServed.incrementAndGet();
                    body = "not found\n".getBytes(StandardCharsets.UTF_8);
                    status = 404;
                    type = "text/plain; charset=utf-8";
                }
                respond(exchange, status, type, body);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        /**
         * Page i: a title, a description, navigation, ten links to other pages (p(7i+1) .. p(7i+8),
         * the next and the previous one, so that every page is a few hops from p0), a "top" link to
         * itself with a fragment, and paragraphs of filler text up to about {@code pageKb} KB.
         */
        static String page(int i) {
            List<Integer> targets = new ArrayList<>();
            for (int k = 1; k <= 8; k++) {
                targets.add((int) ((i * 7L + k) % pages));
            }
            targets.add((i + 1) % pages);
            targets.add((i - 1 + pages) % pages);
            linksPerPage = targets.size() + 2;   // and the home link and the #top self link
            java.util.Random random = new java.util.Random(i * 1_000_003L + 17);
            StringBuilder html = new StringBuilder(pageKb * 1024 + 1024);
            html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n")
                    .append("  <title>Trawl crawl page ").append(i).append("</title>\n")
                    .append("  <meta name=\"description\" content=\"Page ").append(i)
                    .append(" of a ").append(pages).append("-page site served by the Trawl load generator.\">\n")
                    .append("</head>\n<body id=\"top\">\n  <header><nav><a href=\"/crawl/p0\">Home</a> | ")
                    .append("<a href=\"/crawl/p").append(targets.get(8)).append("\">Next</a> | ")
                    .append("<a href=\"/crawl/p").append(targets.get(9)).append("\">Previous</a></nav></header>\n")
                    .append("  <main>\n    <h1>Crawl page ").append(i).append("</h1>\n    <ul class=\"related\">\n");
            for (int k = 0; k < 8; k++) {
                html.append("      <li><a href=\"/crawl/p").append(targets.get(k)).append("\">Related page ")
                        .append(targets.get(k)).append("</a></li>\n");
            }
            html.append("    </ul>\n");
            String end = "    <p><a href=\"#top\">Back to top</a></p>\n  </main>\n"
                    + "  <footer><p>&copy; Trawl bench. All requests stay on 127.0.0.1.</p></footer>\n</body>\n</html>\n";
            int target = pageKb * 1024 - end.length();
            int section = 0;
            while (html.length() < target) {
                if (section % 4 == 0) {
                    html.append("    <h2>Section ").append(section / 4 + 1).append("</h2>\n");
                }
                section++;
                html.append("    <p>");
                int words = 60 + random.nextInt(60);
                for (int w = 0; w < words && html.length() < target - 8; w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    html.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
                }
                html.append(".</p>\n");
            }
            return html.append(end).toString();
        }

        /** A top-level string member of a small JSON object (first occurrence), or null. */
        static String field(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json == null ? "" : json);
            return m.find() ? m.group(1) : null;
        }

        static int intField(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json == null ? "" : json);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }

        /** Seconds between two timestamps of the job (the platform's clock), or null. */
        static Double between(String json, String from, String to) {
            try {
                String a = field(json, from);
                String b = field(json, to);
                if (a == null || b == null) {
                    return null;
                }
                Duration d = Duration.between(OffsetDateTime.parse(a), OffsetDateTime.parse(b));
                return d.toNanos() / 1e9;
            } catch (RuntimeException e) {
                return null;
            }
        }

        static double since(long t0, long t) {
            return t == 0 ? 0 : (t - t0) / 1e9;
        }

        static String mb(long kb) {
            return kb < 0 ? "n/a" : String.format("%d MB", Math.round(kb / 1024.0));
        }
    }

    /** Samples VmRSS of a process from /proc/PID/status every 100 ms until stopped (or the deadline). */
    static final class RssSampler implements Runnable {
        private final long pid;
        private final long deadline;
        private volatile boolean stopped;
        private final AtomicLong peak = new AtomicLong(-1);
        private final AtomicInteger samples = new AtomicInteger();

        RssSampler(long pid, long deadline) {
            this.pid = pid;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            while (!stopped && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sample() {
            long kb = readKb("VmRSS");
            if (kb >= 0) {
                samples.incrementAndGet();
                peak.accumulateAndGet(kb, Math::max);
            }
        }

        void stop() {
            sample();
            stopped = true;
        }

        long peakKb() {
            return peak.get();
        }

        int samples() {
            return samples.get();
        }

        /** A "Name:   123 kB" line of /proc/PID/status, in kB, or -1. */
        long readKb(String name) {
            if (pid <= 0) {
                return -1;
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(name + ":")) {
                        return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone
            }
            return -1;
        }
    }

    /** Sends one whole response from either target site. */
    static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String type, byte[] body)
            throws java.io.IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }
}
