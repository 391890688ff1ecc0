import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.function.IntFunction;

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
    static long pollMillis = 200;              // crawl mode: GET /v1/jobs/{id} of the crawl job
    static long completionPollMillis = 500;    // submit and peers: live jobs in PostgreSQL
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
    static int pageOffset = 0;         // the first page number to submit (peers mode: distinct pages across phases)

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
        switch (mode) {
            case "crawl" -> {
                Crawl.run(apiUri);
                return;
            }
            case "site-files" -> {
                Crawl.writeSite(Path.of(Peers.out));
                return;
            }
            case "peer" -> System.exit(Peers.runPeer());
            case "peers-trawl-queue" -> System.exit(Peers.trawlQueue(apiUri));
            case "peers-trawl-crawl" -> System.exit(Peers.trawlCrawl(apiUri));
            case "peers-summary" -> System.exit(Peers.summary());
            default -> { }
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Submitted submitted = submitAll(apiUri.resolve("/v1/jobs"), 1, clients, jobs, deadline,
                n -> "{\"url\":\"" + siteBase + "/page?n=" + n + "\"}");
        long t0 = submitted.t0Nanos();
        long tSubmitEnd = submitted.endNanos();
        int acceptedJobs = submitted.accepted();
        long[] all = submitted.latencies();
        double submitSeconds = (tSubmitEnd - t0) / 1e9;
        int non202 = submitted.nonAcceptedCount();
        Map<String, AtomicInteger> nonAccepted = submitted.nonAccepted();
        ConcurrentLinkedQueue<String> samples = submitted.samples();
        AtomicInteger failures = submitted.failures();

        // ---- phase 2: complete ---------------------------------------------------------------
        Completion completion = awaitFinished(baseline, acceptedJobs, tSubmitEnd, deadline);
        long[] last = completion.last();
        long tDone = completion.tDone();
        long tLastProgress = completion.tLastProgress();
        long tEnd = tDone >= 0 ? tDone : System.nanoTime();
        CpuSnapshot cpuAfter = CpuSnapshot.take();

        long succeeded = last == null ? 0 : last[0] - baseline[0];
        long failedJobs = last == null ? 0 : last[1] - baseline[1];
        long finishedJobs = succeeded + failedJobs;
        // The end is the last job's finished_at and "done when submit ended" counts finished_at up to
        // the last submit's answer (the same clock): exact, whenever the poll noticed.
        long submitEndMicros = submitted.t0EpochMicros() + (tSubmitEnd - t0) / 1000;
        long[] times = finishedTimes(submitEndMicros);
        double e2eSeconds = (tEnd - t0) / 1e9;
        long doneAtSubmitEnd = times == null ? 0 : times[1] - (baseline[0] + baseline[1]);
        boolean exact = tDone >= 0 && times != null && times[0] > 0;
        if (exact) {
            e2eSeconds = (times[0] - submitted.t0EpochMicros()) / 1e6;
        }
        double drainSeconds = e2eSeconds - submitSeconds;
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
        out.append(String.format("          (%s of %d finished when submit ended; end to end and drain end at %s;"
                        + " completion polled in PostgreSQL every %d ms, %d polls)%n",
                times == null ? "?" : String.valueOf(doneAtSubmitEnd), acceptedJobs,
                exact ? "the last job's finished_at" : "the last poll", completionPollMillis, completion.polls()));
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

    // ---- submitting and waiting (submit mode and the Trawl side of peers mode) ----------------------

    /**
     * What {@link #submitAll} did: the accepted jobs' ids in the order they were answered, the
     * latencies of the accepted requests (sorted, ns), what was not accepted, and when it ran.
     */
    record Submitted(int accepted, List<String> ids, long[] latencies, Map<String, AtomicInteger> nonAccepted,
            ConcurrentLinkedQueue<String> samples, AtomicInteger failures, long t0Nanos, long t0EpochMicros,
            long endNanos, boolean notFound, int connections, int sent, long cpuNanos) {

        int nonAcceptedCount() {
            return nonAccepted.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        int requests() {
            return latencies.length;
        }
    }

    /**
     * Submits {@code jobs} jobs from {@code clients} threads, each with its own HTTP/1.1 keep-alive
     * connection ({@link LeanHttp}), {@code perRequest} jobs a request: 1 is {@code POST /v1/jobs} with the body
     * {@code item(n)}, more is {@code POST /v1/jobs/batch} with {@code {"jobs": [item(n), ...]}}.
     * Every job gets a distinct page number n, so nothing can be deduplicated. Jobs that are not
     * accepted (a non-202 answer, an exception, an item answered with an error) are counted and
     * submitted again with new page numbers, until {@code max(100, jobs)} such failures or the
     * deadline. A 404 or 405 answer to a batch means this build has no batch endpoint: everything stops.
     */
    static Submitted submitAll(URI uri, int perRequest, int clients, int jobs, long deadline, IntFunction<String> item)
            throws Exception {
        AtomicInteger remaining = new AtomicInteger(jobs);   // jobs still to be accepted
        AtomicInteger nextPage = new AtomicInteger(pageOffset);   // every attempt gets a distinct URL
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean notFound = new java.util.concurrent.atomic.AtomicBoolean();
        int maxFailures = Math.max(100, jobs);
        Map<String, AtomicInteger> nonAccepted = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        List<long[]> latencyLists = new ArrayList<>();

        long cpu0 = processCpuNanos();
        ExecutorService submitters = Executors.newFixedThreadPool(clients, daemon("client"));
        List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        String path = uri.getRawPath();
        boolean batch = perRequest > 1;
        for (int c = 0; c < clients; c++) {
            futures.add(submitters.submit(() -> {
                long[] lat = new long[Math.max(16, jobs / perRequest / clients + 16)];
                int n = 0;
                int taken;
                try (LeanHttp http = new LeanHttp(uri, 30_000)) {
                    while ((taken = takeSlots(remaining, perRequest)) > 0) {
                        if (notFound.get() || failures.get() >= maxFailures || System.nanoTime() > deadline) {
                            remaining.addAndGet(taken);
                            break;
                        }
                        int first = nextPage.getAndAdd(taken);
                        String body;
                        if (!batch) {
                            body = item.apply(first);
                        } else {
                            StringBuilder b = new StringBuilder(taken * 96 + 16).append("{\"jobs\":[");
                            for (int k = 0; k < taken; k++) {
                                b.append(k == 0 ? "" : ",").append(item.apply(first + k));
                            }
                            body = b.append("]}").toString();
                        }
                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                        long start = System.nanoTime();
                        String problem;
                        int failed = taken;
                        try {
                            sent.incrementAndGet();
                            int status = http.post(path, bytes);
                            long took = System.nanoTime() - start;
                            if (status == 202) {
                                if (n == lat.length) {
                                    lat = Arrays.copyOf(lat, lat.length * 2);
                                }
                                lat[n++] = took;
                                SubmitAnswer answer = SubmitAnswer.read(http.body, http.bodyLength, batch);
                                int got = answer.ids.size();
                                ids.addAll(answer.ids);
                                accepted.addAndGet(got);
                                if (got == taken) {
                                    continue;
                                }
                                failed = taken - got;
                                problem = answer.refused > 0 ? "item error" : "202 without ids";
                            } else {
                                problem = "HTTP " + status;
                                // No such route: 404, or 405 where POST /v1/jobs/batch falls on /v1/jobs/{id}.
                                if ((status == 404 || status == 405) && batch) {
                                    notFound.set(true);
                                }
                            }
                            if (samples.size() < 5) {
                                samples.add(problem + ": " + abbreviate(http.bodyText()));
                            }
                        } catch (IOException e) {
                            problem = e.getClass().getSimpleName();
                            if (samples.size() < 5) {
                                samples.add(problem + ": " + e.getMessage());
                            }
                        }
                        // Not accepted: give the slots back and try again with new URLs.
                        nonAccepted.computeIfAbsent(problem, k -> new AtomicInteger()).addAndGet(failed);
                        failures.addAndGet(failed);
                        remaining.addAndGet(failed);
                    }
                    connections.addAndGet(http.connects);
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        for (var f : futures) {
            latencyLists.add(f.get());
        }
        long end = System.nanoTime();
        submitters.shutdown();
        pageOffset = nextPage.get();
        long[] all = latencyLists.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long t0Micros = started.getEpochSecond() * 1_000_000L + started.getNano() / 1000;
        return new Submitted(accepted.get(), new ArrayList<>(ids), all, nonAccepted, samples, failures, t0, t0Micros, end,
                notFound.get(), connections.get(), sent.get(), processCpuNanos() - cpu0);
    }

    /** The CPU time of this JVM, all threads, in ns (-1 if the JVM cannot tell). */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** Takes up to {@code max} of the slots still to be accepted; 0 when none is left. */
    static int takeSlots(AtomicInteger remaining, int max) {
        while (true) {
            int r = remaining.get();
            if (r <= 0) {
                return 0;
            }
            int take = Math.min(max, r);
            if (remaining.compareAndSet(r, r - take)) {
                return take;
            }
        }
    }

    /**
     * How the wait for the jobs went: the counts ({@link #pollCounts}) when every job had ended, or
     * the last ones at the deadline; when the poll saw the end (-1 if it did not); the last time the
     * number of live jobs went down; how many polls it took.
     */
    record Completion(long[] last, long tDone, long tLastProgress, int polls) { }

    /**
     * Waits until {@code accepted} jobs more than in {@code baseline} are in a terminal state, or the
     * deadline. Every {@code completionPollMillis} it counts the live jobs ({@link #LIVE_JOBS}, from
     * the partial index of the live states); only when none is left does it count the whole table
     * once ({@link #pollCounts}), to confirm that every accepted job has ended. The figures do not
     * depend on when the poll sees the end: the end of a phase is the last job's
     * {@code finished_at} ({@link #finishedTimes}).
     */
    static Completion awaitFinished(long[] baseline, int accepted, long tStart, long deadline) throws InterruptedException {
        long[] last = null;
        long tDone = -1;
        long tLastProgress = tStart;
        long fewestLive = Long.MAX_VALUE;
        long nextFullCount = 0;
        int pollFailures = 0;
        int polls = 0;
        while (true) {
            long live = liveJobs();
            long now = System.nanoTime();
            polls++;
            if (live < 0) {
                if (++pollFailures > 25) {
                    System.err.println("loadgen: psql keeps failing; giving up on completion");
                    break;
                }
            } else {
                if (live < fewestLive) {
                    if (fewestLive != Long.MAX_VALUE) {
                        tLastProgress = now;
                    }
                    fewestLive = live;
                }
                // None live: all ended, unless accepted jobs are not visible yet; the full count says.
                if (live == 0 && now >= nextFullCount) {
                    long[] counts = pollCounts();
                    if (counts != null) {
                        last = counts;
                        if (finished(counts, baseline) >= accepted) {
                            tDone = now;
                            break;
                        }
                    }
                    nextFullCount = now + TimeUnit.SECONDS.toNanos(5);
                }
            }
            if (now >= deadline) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(completionPollMillis, (deadline - now) / 1_000_000 + 1)));
        }
        if (tDone < 0) {
            long[] counts = pollCounts();   // what ended by the deadline
            last = counts != null ? counts : last;
        }
        return new Completion(last, tDone, tLastProgress, polls);
    }

    /**
     * Exact times from the jobs' own {@code finished_at} (PostgreSQL's clock, the same machine's as
     * ours): the last one, as epoch microseconds (0 if none), and how many jobs had finished by
     * {@code byEpochMicros}. One full scan, run after the measured window.
     */
    static long[] finishedTimes(long byEpochMicros) {
        String out = psql("select coalesce(round(extract(epoch from max(finished_at)) * 1000000), 0)::bigint, "
                + "count(*) filter (where finished_at <= to_timestamp(" + byEpochMicros + " / 1000000.0)) from jobs");
        if (out == null) {
            return null;
        }
        String[] parts = out.trim().split("\\|");
        try {
            return new long[] {Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim())};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs the submit loops against a canned server in this JVM (127.0.0.1, random port) before
     * anything is measured, so that the JIT has compiled the client, the answer scanner and the
     * socket classes by then: a fresh JVM needs some 20,000-30,000 requests for that, and a cold
     * client costs about twice the CPU per request of a warm one (measured here: 93, then 64, then
     * 46 µs per request over three rounds of 12,000 at 600 requests/s). The platform sees none of
     * these requests. Returns a line that says what it did.
     */
    static String warmClient(int singles, int perBatch, int batchRequests) throws Exception {
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        int savedOffset = pageOffset;
        String item = "{\"url\":\"http://127.0.0.1:9/page?n=%d\",\"formats\":[\"metadata\"]}";
        int done = 0;
        try (CannedServer server = new CannedServer()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            done += submitAll(server.uri("/v1/jobs"), 1, clients, singles, deadline, n -> item.formatted(n)).accepted();
            if (perBatch > 1 && batchRequests > 0) {
                done += submitAll(server.uri("/v1/jobs/batch"), perBatch, Math.min(Peers.batchClients, batchRequests),
                        perBatch * batchRequests, deadline, n -> item.formatted(n)).accepted();
            }
        } finally {
            pageOffset = savedOffset;
        }
        // The JIT compiles on threads of its own, after the code got hot: wait (up to 5 s) until it
        // has been idle for 300 ms, so that its queue does not spill into the first measured phase.
        var jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            long last = jit.getTotalCompilationTime();
            for (int quiet = 0, i = 0; quiet < 3 && i < 50; i++) {
                Thread.sleep(100);
                long now = jit.getTotalCompilationTime();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
            }
        }
        return String.format("load generator: client warmed up first on %d jobs sent to a canned server in this JVM"
                + " (%.1f s, %.1f cpu-s; the platform saw none of them)", done, (System.nanoTime() - t0) / 1e9,
                (processCpuNanos() - cpu0) / 1e9);
    }

    /**
     * The canned server of {@link #warmClient}: a thread per connection, answers every request with
     * 202 and a job (or, for a batch, one job per {@code "url"} in the body), by Content-Length on
     * even connections and chunked on odd ones, so both ways of reading a body get compiled.
     */
    static final class CannedServer implements AutoCloseable {
        private final java.net.ServerSocket socket;
        private final ExecutorService threads = Executors.newCachedThreadPool(daemon("canned"));
        private final AtomicInteger connections = new AtomicInteger();

        CannedServer() throws IOException {
            socket = new java.net.ServerSocket(0, 256, java.net.InetAddress.getByName("127.0.0.1"));
            threads.submit(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        boolean chunked = connections.getAndIncrement() % 2 == 1;
                        threads.submit(() -> serve(s, chunked));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        private static void serve(Socket s, boolean chunked) {
            byte[] job = "{\"id\":\"0192f0c4-7d7e-7b3a-9c1e-123456789abc\",\"status\":\"queued\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"links\":{\"self\":\"/v1/jobs/0192f0c4-7d7e-7b3a-9c1e-123456789abc\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            byte[] url = "\"url\"".getBytes(StandardCharsets.UTF_8);
            try (s) {
                s.setTcpNoDelay(true);
                InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
                while (true) {
                    head.reset();
                    int last4 = 0;
                    int c;
                    while ((c = in.read()) >= 0) {
                        head.write(c);
                        last4 = (last4 << 8) | c;
                        if (last4 == 0x0d0a0d0a) {
                            break;
                        }
                    }
                    if (c < 0) {
                        return;
                    }
                    String h = head.toString(StandardCharsets.ISO_8859_1);
                    int at = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
                    int length = at < 0 ? 0 : Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).trim());
                    byte[] body = in.readNBytes(length);
                    int items = 1;
                    if (h.startsWith("POST /v1/jobs/batch")) {
                        items = 0;
                        for (int i = 0; i + url.length <= body.length; i++) {
                            if (Arrays.equals(body, i, i + url.length, url, 0, url.length)) {
                                items++;
                            }
                        }
                    }
                    java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
                    if (h.startsWith("POST /v1/jobs/batch")) {
                        answer.write("{\"jobs\":[".getBytes(StandardCharsets.UTF_8));
                        for (int i = 0; i < items; i++) {
                            if (i > 0) {
                                answer.write(',');
                            }
                            answer.write(job);
                        }
                        answer.write(("],\"accepted\":" + items + ",\"refused\":0}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        answer.write(job);
                    }
                    byte[] a = answer.toByteArray();
                    java.io.ByteArrayOutputStream r = new java.io.ByteArrayOutputStream(a.length + 128);
                    if (chunked) {
                        r.write(("HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                                + Integer.toHexString(a.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        r.write(a);
                        r.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    } else {
                        r.write(("HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: " + a.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        r.write(a);
                    }
                    out.write(r.toByteArray());
                    out.flush();
                }
            } catch (IOException e) {
                // the client closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.shutdownNow();
        }
    }

    // ---- a lean HTTP/1.1 client for the submit loops ----------------------------------------------

    /**
     * The load generator's own HTTP/1.1 client for the requests it sends by the thousand: one
     * blocking socket with keep-alive and TCP_NODELAY, the whole request (head and body) in one
     * write, the answer's status line and headers read up to the empty line, then the body by
     * {@code Content-Length}, chunked transfer encoding or, without either, up to the end of the
     * connection. It reconnects when the server closed the connection ({@code Connection: close},
     * HTTP/1.0, an end of stream) and, if a reused keep-alive connection turns out to be closed
     * before any byte of the answer came, sends the request once more on a new one (the server
     * cannot have read it). Not thread-safe: one per client thread.
     *
     * <p>{@code java.net.http.HttpClient} costs about 1 ms of CPU per request here (its selector
     * thread, futures, header maps and body subscribers), which on two shared cores capped the
     * submit rate near 2,000/s and took CPU from the platform under test; BullMQ's producer is
     * in-process. This client keeps only what the bench needs: the status and the body's bytes.
     * It stays for the few control requests where the cost does not matter.
     */
    static final class LeanHttp implements AutoCloseable {
        private static final byte[] CRLF = {'\r', '\n'};
        private final String host;
        private final int port;
        private final int readTimeoutMillis;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private int reused;                       // answers read on the current connection
        private byte[] request = new byte[1024];
        private byte[] buf = new byte[16 * 1024]; // what was read and not yet consumed: buf[pos, lim)
        private int pos;
        private int lim;
        private boolean gotBytes;                 // a byte of the current answer arrived
        private boolean closeAfter;
        /** The status of the last answer. */
        int status;
        /** The body of the last answer: body[0, bodyLength). */
        byte[] body = new byte[4 * 1024];
        int bodyLength;
        /** Connections opened so far. */
        int connects;

        LeanHttp(URI base, int readTimeoutMillis) {
            this.host = base.getHost();
            this.port = base.getPort() > 0 ? base.getPort() : 80;
            this.readTimeoutMillis = readTimeoutMillis;
        }

        /** POST {@code path} with a JSON body; returns the status, the body is in {@link #body}. */
        int post(String path, byte[] json) throws IOException {
            return send("POST", path, json);
        }

        /** GET {@code path}; returns the status, the body is in {@link #body}. */
        int get(String path) throws IOException {
            return send("GET", path, null);
        }

        /** The body of the last answer as text (for messages and the few answers read whole). */
        String bodyText() {
            return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
        }

        private int send(String method, String path, byte[] json) throws IOException {
            int length = head(method, path, json);
            for (int attempt = 0; ; attempt++) {
                boolean fresh = socket == null;
                try {
                    if (fresh) {
                        connect();
                    }
                    out.write(request, 0, length);
                    out.flush();
                    readAnswer();
                    reused++;
                    if (closeAfter) {
                        close();
                    }
                    return status;
                } catch (IOException e) {
                    // A timeout is a slow server, not a closed connection: the request may be in work.
                    boolean stale = !fresh && !gotBytes && reused > 0 && !(e instanceof java.net.SocketTimeoutException);
                    close();
                    if (!stale || attempt > 0) {
                        throw e;
                    }
                    // a keep-alive connection the server had closed: it never read this request
                }
            }
        }

        /** Writes the request into {@link #request}; returns its length. ASCII head, the body as it is. */
        private int head(String method, String path, byte[] json) {
            StringBuilder h = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(host).append(':').append(port).append("\r\n");
            if (json != null) {
                h.append("Content-Type: application/json\r\nContent-Length: ").append(json.length).append("\r\n");
            }
            h.append("Accept: application/json\r\n\r\n");
            int headLength = h.length();
            int length = headLength + (json == null ? 0 : json.length);
            if (request.length < length) {
                request = new byte[Math.max(length, request.length * 2)];
            }
            for (int i = 0; i < headLength; i++) {
                request[i] = (byte) h.charAt(i);
            }
            if (json != null) {
                System.arraycopy(json, 0, request, headLength, json.length);
            }
            return length;
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                s.connect(new InetSocketAddress(host, port), 5000);
                s.setSoTimeout(readTimeoutMillis);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = 0;
            lim = 0;
            reused = 0;
            connects++;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            socket = null;
            in = null;
            out = null;
            pos = 0;
            lim = 0;
        }

        /** Reads one answer: status line, headers, body. A 1xx interim answer is skipped. */
        private void readAnswer() throws IOException {
            gotBytes = false;
            while (true) {
                int headEnd = readHead();
                parseHead(pos, headEnd);
                pos = headEnd + 4;
                if (status >= 100 && status < 200) {
                    continue;
                }
                break;
            }
            bodyLength = 0;
            if (status == 204 || status == 304) {
                return;
            }
            if (chunked) {
                readChunked();
            } else if (contentLength >= 0) {
                readExactly(contentLength);
            } else {
                closeAfter = true;          // no length: the body ends with the connection
                while (fill()) {
                    // read until the server closes
                }
                appendBody(lim - pos);
            }
        }

        private long contentLength;
        private boolean chunked;

        /** Reads until the head's empty line is in the buffer; returns the index of its "\r\n\r\n". */
        private int readHead() throws IOException {
            while (true) {
                for (int i = pos; i + 3 < lim; i++) {
                    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                        return i;
                    }
                }
                if (lim - pos > 64 * 1024) {
                    throw new IOException("answer head longer than 64 KB");
                }
                if (!fill()) {
                    throw new java.io.EOFException(gotBytes ? "connection closed in the answer's head"
                            : "connection closed before an answer");
                }
            }
        }

        /** Status, Content-Length, Transfer-Encoding and Connection from the head in buf[from, to). */
        private void parseHead(int from, int to) throws IOException {
            // "HTTP/1.1 202 Accepted"
            if (to - from < 12 || buf[from] != 'H' || buf[from + 8] != ' ') {
                throw new IOException("not an HTTP answer: " + new String(buf, from, Math.min(40, to - from), StandardCharsets.ISO_8859_1));
            }
            status = (buf[from + 9] - '0') * 100 + (buf[from + 10] - '0') * 10 + (buf[from + 11] - '0');
            boolean http10 = buf[from + 7] == '0';
            contentLength = -1;
            chunked = false;
            closeAfter = http10;
            int line = indexOfCrlf(from, to) + 2;
            while (line < to) {
                int end = indexOfCrlf(line, to);
                if (end < 0) {
                    end = to;
                }
                int colon = line;
                while (colon < end && buf[colon] != ':') {
                    colon++;
                }
                if (colon < end) {
                    int v = colon + 1;
                    while (v < end && (buf[v] == ' ' || buf[v] == '\t')) {
                        v++;
                    }
                    if (nameIs(line, colon, "content-length")) {
                        long n = 0;
                        for (int i = v; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
                            n = n * 10 + (buf[i] - '0');
                        }
                        contentLength = n;
                    } else if (nameIs(line, colon, "transfer-encoding")) {
                        chunked = containsIgnoreCase(v, end, "chunked");
                    } else if (nameIs(line, colon, "connection")) {
                        if (containsIgnoreCase(v, end, "close")) {
                            closeAfter = true;
                        } else if (containsIgnoreCase(v, end, "keep-alive")) {
                            closeAfter = false;
                        }
                    }
                }
                line = end + 2;
            }
        }

        /** The first CRLF at or after from in the head that ends at to (whose own CRLF is at to). */
        private int indexOfCrlf(int from, int to) {
            for (int i = from; i <= to; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private boolean nameIs(int from, int to, String lowerName) {
            if (to - from != lowerName.length()) {
                return false;
            }
            for (int i = 0; i < lowerName.length(); i++) {
                if (Character.toLowerCase((char) buf[from + i]) != lowerName.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean containsIgnoreCase(int from, int to, String lower) {
            outer:
            for (int i = from; i + lower.length() <= to; i++) {
                for (int k = 0; k < lower.length(); k++) {
                    if (Character.toLowerCase((char) buf[i + k]) != lower.charAt(k)) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        /** Reads more into the buffer (compacting or growing it first); false at the end of the stream. */
        private boolean fill() throws IOException {
            if (pos > 0 && pos == lim) {
                pos = 0;
                lim = 0;
            } else if (lim == buf.length) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                } else {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n <= 0) {
                return false;
            }
            gotBytes = true;
            lim += n;
            return true;
        }

        /** Moves n buffered bytes to the body. */
        private void appendBody(int n) {
            if (body.length < bodyLength + n) {
                body = Arrays.copyOf(body, Math.max(bodyLength + n, body.length * 2));
            }
            System.arraycopy(buf, pos, body, bodyLength, n);
            bodyLength += n;
            pos += n;
        }

        private void readExactly(long n) throws IOException {
            long left = n;
            while (left > 0) {
                if (pos == lim && !fill()) {
                    throw new java.io.EOFException("connection closed in the answer's body");
                }
                int take = (int) Math.min(left, lim - pos);
                appendBody(take);
                left -= take;
            }
        }

        /** A line of a chunked body, without its CRLF, as text. */
        private String readLine() throws IOException {
            while (true) {
                for (int i = pos; i + 1 < lim; i++) {
                    if (buf[i] == '\r' && buf[i + 1] == '\n') {
                        String line = new String(buf, pos, i - pos, StandardCharsets.ISO_8859_1);
                        pos = i + 2;
                        return line;
                    }
                }
                if (lim - pos > 8192) {
                    throw new IOException("chunk line longer than 8 KB");
                }
                if (!fill()) {
                    throw new java.io.EOFException("connection closed in a chunked body");
                }
            }
        }

        private void readChunked() throws IOException {
            while (true) {
                String size = readLine();
                int semicolon = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size '" + size + "'");
                }
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    return;
                }
                readExactly(n);
                if (!readLine().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
        }
    }

    /**
     * What an answer to a submit says, read from its bytes: the ids of the accepted jobs, in order,
     * and how many items of a batch answer were refused ({@code {"error": ...}}). A single answer
     * is the job ({@code {"id": ..., ...}}); a batch answer is {@code {"jobs": [item, ...], ...}}
     * with each item the job or {@code {"error": ...}}. Only the top-level members of the job and
     * of each item are looked at, so an {@code "id"} deeper down (a link, a problem) is not taken
     * for the job's.
     */
    static final class SubmitAnswer {
        private final byte[] b;
        private final int end;
        private int p;
        final List<String> ids = new ArrayList<>(2);
        int refused;
        /** Items of a batch answer that are neither a job with an id nor an error. */
        int unknown;

        private SubmitAnswer(byte[] b, int length) {
            this.b = b;
            this.end = length;
        }

        /** Reads a single or batch answer; a body that is not the JSON expected gives no ids. */
        static SubmitAnswer read(byte[] body, int length, boolean batch) {
            SubmitAnswer a = new SubmitAnswer(body, length);
            try {
                if (batch) {
                    a.batch();
                } else {
                    String id = a.objectId(null);
                    if (id != null) {
                        a.ids.add(id);
                    }
                }
            } catch (RuntimeException e) {
                // not the expected JSON: whatever was read so far stays
            }
            return a;
        }

        private void batch() {
            ws();
            expect('{');
            ws();
            if (peek() == '}') {
                return;
            }
            while (true) {
                String key = string();
                ws();
                expect(':');
                ws();
                if ("jobs".equals(key) && peek() == '[') {
                    p++;
                    ws();
                    if (peek() == ']') {
                        p++;
                    } else {
                        while (true) {
                            ws();
                            if (peek() == '{') {
                                boolean[] error = new boolean[1];
                                String id = objectId(error);
                                if (id != null) {
                                    ids.add(id);
                                } else if (error[0]) {
                                    refused++;
                                } else {
                                    unknown++;
                                }
                            } else {
                                skipValue();
                                unknown++;
                            }
                            ws();
                            if (next() == ']') {
                                break;
                            }
                        }
                    }
                } else {
                    skipValue();
                }
                ws();
                if (next() == '}') {
                    return;
                }
                ws();
            }
        }

        /** The string member "id" of the object at p (p moves past it); error[0] tells an "error" member. */
        private String objectId(boolean[] error) {
            ws();
            expect('{');
            ws();
            String id = null;
            if (peek() == '}') {
                p++;
                return null;
            }
            while (true) {
                String key = string();
                ws();
                expect(':');
                ws();
                if ("id".equals(key) && peek() == '"') {
                    id = string();
                } else {
                    if ("error".equals(key) && error != null) {
                        error[0] = true;
                    }
                    skipValue();
                }
                ws();
                if (next() == '}') {
                    return id;
                }
                ws();
            }
        }

        private byte peek() {
            if (p >= end) {
                throw new IllegalStateException("end of answer");
            }
            return b[p];
        }

        private byte next() {
            byte c = peek();
            p++;
            return c;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalStateException("expected " + c);
            }
            p++;
        }

        private void ws() {
            while (p < end && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) {
                p++;
            }
        }

        /** The string at p (escapes other than \" and \\ are kept as they are: ids and keys have none). */
        private String string() {
            expect('"');
            int start = p;
            boolean escaped = false;
            while (peek() != '"') {
                if (b[p] == '\\') {
                    escaped = true;
                    p++;
                }
                p++;
            }
            String s = new String(b, start, p - start, StandardCharsets.UTF_8);
            p++;
            return escaped ? s.replace("\\\"", "\"").replace("\\\\", "\\") : s;
        }

        private void skipValue() {
            byte c = peek();
            if (c == '"') {
                string();
                return;
            }
            if (c == '{' || c == '[') {
                int depth = 0;
                do {
                    c = peek();
                    if (c == '"') {
                        string();
                        continue;
                    }
                    if (c == '{' || c == '[') {
                        depth++;
                    } else if (c == '}' || c == ']') {
                        depth--;
                    }
                    p++;
                } while (depth > 0);
                return;
            }
            while (p < end && b[p] != ',' && b[p] != '}' && b[p] != ']' && b[p] != ' ' && b[p] != '\n'
                    && b[p] != '\r' && b[p] != '\t') {
                p++;
            }
        }
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

    /**
     * The jobs not ended yet: queued, running or retrying. These are exactly the states of the
     * partial index {@code jobs_live_idx}, so PostgreSQL counts them from that small index instead of
     * scanning the whole table (with autovacuum off here, every update of a job leaves a dead row,
     * and a full count over the bloated table cost 10-30 ms a poll). The session runs it as an index
     * scan, which marks the entries of rows dead to everyone on the first visit and skips them after
     * that (see {@link PsqlSession#start}).
     */
    static final String LIVE_JOBS = "select count(*) from jobs where state in ('queued', 'running', 'retrying')";

    /** The number of live jobs ({@link #LIVE_JOBS}), or -1 when psql fails. */
    static long liveJobs() {
        String out = psql(LIVE_JOBS);
        try {
            return out == null ? -1 : Long.parseLong(out.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {succeeded, failed-or-otherwise-terminal, total}, or null when psql fails. A full scan of jobs. */
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

    /** The output of one query (-tA: one line a row, columns split by |), or null when it failed. */
    static String psql(String sql) {
        return PsqlSession.query(sql);
    }

    /**
     * One {@code psql} process for the whole run, fed one query at a time on its standard input.
     * Starting a psql per poll cost a process start and a new PostgreSQL connection (a backend
     * fork and its catalog caches) every time; the session pays them once. Each query is followed
     * by {@code \echo} of a marker, so its output is every line up to the marker; a line that
     * starts with {@code ERROR:}, {@code FATAL:} or {@code psql:} is a failure. If the process dies,
     * the next query starts another one.
     */
    static final class PsqlSession {
        private static Process process;
        private static java.io.BufferedReader out;
        private static java.io.Writer in;
        private static long sequence;

        static synchronized String query(String sql) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    if (process == null || !process.isAlive()) {
                        start();
                    }
                    String marker = "@@loadgen-end-" + (++sequence);
                    in.write(sql.replace('\n', ' ') + ";\n\\echo " + marker + "\n");
                    in.flush();
                    StringBuilder text = new StringBuilder();
                    boolean failed = false;
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.equals(marker)) {
                            if (failed) {
                                System.err.println("loadgen: psql failed: " + text.toString().trim());
                                return null;
                            }
                            return text.toString();
                        }
                        failed |= line.startsWith("ERROR:") || line.startsWith("FATAL:") || line.startsWith("psql:");
                        text.append(line).append('\n');
                    }
                    System.err.println("loadgen: psql ended: " + text.toString().trim());
                } catch (IOException e) {
                    System.err.println("loadgen: psql session failed: " + e.getMessage());
                }
                stop();
            }
            return null;
        }

        private static long backendPid = -1;

        /**
         * The CPU ticks (user + system) the session's PostgreSQL backend used so far, from
         * /proc/PID/stat (PostgreSQL runs on this machine); -1 if they cannot be read.
         */
        static long backendTicks() {
            if (backendPid < 0) {
                String pid = query("select pg_backend_pid()");
                try {
                    backendPid = pid == null ? -1 : Long.parseLong(pid.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + backendPid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private static void start() throws IOException {
            backendPid = -1;
            process = new ProcessBuilder("psql", "-X", "-q", "-h", pgHost, "-p", pgPort, "-U", pgUser, "-d", pgDb,
                    "-v", "ON_ERROR_STOP=0", "-tA")
                    .redirectErrorStream(true)
                    .start();
            out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            // The live-jobs count as a plain index(-only) scan of jobs_live_idx: unlike a bitmap scan,
            // it marks the index entries of rows dead to everyone (jobs that ended since the last
            // poll) as dead, so each poll visits only what changed since the one before. Without
            // statistics (no autovacuum here) the planner would take the bitmap scan and visit the
            // heap for every dead entry, every time. This session's own setting; nothing else's.
            in.write("set enable_bitmapscan = off;\n");
        }

        static synchronized void stop() {
            if (process != null) {
                process.destroy();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            process = null;
        }
    }

    // ---- CPU accounting (Linux /proc) ----------------------------------------------------------------

    /**
     * CPU time of the whole machine and of every live process, so the report can say where the
     * two cores went: the platform, this load generator, PostgreSQL, Redis, or something else
     * running at the same time (which makes the figures lower than they should be).
     */
    record CpuSnapshot(long machineBusy, long machineTotal, long selfNanos, Map<Long, Proc> procs) {

        /** A process: its name, start time, own CPU ticks, ticks of the children it waited for, parent. */
        record Proc(String comm, long start, long ticks, long childTicks, long ppid) { }

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
                        procs.put(Long.parseLong(name), new Proc(comm, Long.parseLong(f[19]),
                                Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]),
                                Long.parseLong(f[1])));
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
            double children = 0;   // this process's own children: the psql session
            for (var e : after.procs.entrySet()) {
                long pid = e.getKey();
                if (pid == selfPid) {
                    continue;
                }
                if (after.descends(pid, selfPid)) {
                    children += usedWithChildren(after, pid);
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
            Map<String, Double> named = new LinkedHashMap<>();
            named.put("platform", platform);
            named.put("load generator + site", self + children);
            named.put("PostgreSQL", postgres);
            named.put("Redis", redis);
            return report(after, seconds, named, others, "ended processes (builds) and kernel");
        }

        /** Who is who in peers mode; a pid of 0 or less is absent. */
        record Roles(long platformPid, long sitePid, long peerPid, String peerLabel, String peerChildLabel) { }

        /**
         * Where the CPU went in peers mode: the platform, the peer (its first process and the ones
         * it started apart), the site, this load generator, PostgreSQL, Redis and other processes.
         * The load generator's and the peer's shares include their live children (the load
         * generator's psql session) and the children they waited for (the event check, a worker
         * process that ended), which all started during the run. Nobody else's do:
         * a process that ended in the window may have run long before it (another engineer's build
         * reaped by its shell), so its time goes to "ended processes and kernel", which is what is
         * left of the machine's busy time.
         */
        String describeRoles(CpuSnapshot after, double seconds, Roles roles) {
            long self = ProcessHandle.current().pid();
            Map<String, Double> named = new LinkedHashMap<>();
            if (roles.platformPid() > 0) {
                named.put("platform", 0.0);
            }
            if (roles.peerPid() > 0) {
                named.put(roles.peerLabel(), 0.0);
                named.put(roles.peerChildLabel(), 0.0);
            }
            for (String role : List.of("site", "load generator", "PostgreSQL", "Redis")) {
                named.put(role, 0.0);
            }
            Map<String, Double> others = new java.util.HashMap<>();
            for (var e : after.procs.entrySet()) {
                long pid = e.getKey();
                String comm = e.getValue().comm();
                boolean ours = pid == self || after.descends(pid, self);   // the peer descends from this process
                double v = ours ? usedWithChildren(after, pid) : used(after, pid);
                String role;
                if (roles.peerPid() > 0 && pid == roles.peerPid()) {
                    role = roles.peerLabel();
                } else if (roles.peerPid() > 0 && after.descends(pid, roles.peerPid())) {
                    role = roles.peerChildLabel();
                } else if (roles.platformPid() > 0 && (pid == roles.platformPid() || after.descends(pid, roles.platformPid()))) {
                    role = "platform";
                } else if (pid == roles.sitePid()) {
                    role = "site";
                } else if (pid == self || after.descends(pid, self)) {
                    role = "load generator";
                } else if (comm.startsWith("postgres")) {
                    role = "PostgreSQL";
                } else if (comm.startsWith("redis-server")) {
                    role = "Redis";
                } else {
                    if (v > 0) {
                        others.merge(comm, v, Double::sum);
                    }
                    continue;
                }
                named.merge(role, v, Double::sum);
            }
            return report(after, seconds, named, others, "ended processes and kernel");
        }

        /** The CPU a process and the children it waited for used between the two snapshots, in seconds. */
        double usedWithChildren(CpuSnapshot after, long pid) {
            Proc a = after.procs.get(pid);
            if (a == null) {
                return 0;
            }
            Proc b = procs.get(pid);
            long before = b != null && b.start == a.start ? b.ticks + b.childTicks : 0;
            return Math.max(0, a.ticks + a.childTicks - before) / (double) clockTicks;
        }

        /** Whether {@code pid} is a child, grandchild, ... of {@code ancestor} in this snapshot. */
        boolean descends(long pid, long ancestor) {
            Proc p = procs.get(pid);
            for (int hops = 0; p != null && hops < 64; hops++) {
                if (p.ppid() == ancestor) {
                    return true;
                }
                p = procs.get(p.ppid());
            }
            return false;
        }

        /** "machine X% busy (...): a 1.0, b 2.0, ..., other processes, the rest", and a warning when others took much. */
        String report(CpuSnapshot after, double seconds, Map<String, Double> named, Map<String, Double> others,
                String unattributedLabel) {
            double other = others.values().stream().mapToDouble(Double::doubleValue).sum();
            double attributed = other + named.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder out = new StringBuilder();
            double busySeconds = -1;
            if (machineTotal > 0 && after.machineTotal > machineTotal) {
                busySeconds = (after.machineBusy - machineBusy) / (double) clockTicks;
                out.append(String.format("machine %.0f%% busy (%.1f cpu-s in %.1f s): ",
                        100.0 * (after.machineBusy - machineBusy) / (after.machineTotal - machineTotal), busySeconds, seconds));
            }
            named.forEach((name, v) -> out.append(String.format("%s %.1f, ", name, v)));
            out.append(String.format("other processes %.1f", other));
            double unattributed = 0;
            if (busySeconds >= 0) {
                unattributed = Math.max(0, busySeconds - attributed);
                out.append(String.format(", %s %.1f", unattributedLabel, unattributed));
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
            if ("--".equals(a)) {   // peer mode: the rest is the peer's command
                Peers.command.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
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
                    case "completion-poll-ms" -> completionPollMillis = Long.parseLong(v);
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
                    case "out" -> Peers.out = v;
                    case "site" -> Peers.site = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                    case "site-pid" -> Peers.sitePid = Long.parseLong(v);
                    case "results" -> Peers.results = Path.of(v);
                    case "run" -> Peers.run = v;
                    case "side" -> Peers.side = v;
                    case "label" -> Peers.label = v;
                    case "child-label" -> Peers.childLabel = v;
                    case "kind" -> Peers.kind = v;
                    case "warmup" -> Peers.warmup = Integer.parseInt(v);
                    case "batch" -> Peers.batch = Integer.parseInt(v);
                    case "batch-clients" -> Peers.batchClients = Integer.parseInt(v);
                    case "node" -> Peers.node = v;
                    case "peers-dir" -> Peers.dir = v;
                    case "prefix" -> Peers.prefix = v;
                    case "settings" -> Peers.settings = v;
                    default -> die("unknown option --" + e.getKey() + usage());
                }
            }
        } catch (NumberFormatException e) {
            die("bad number: " + e.getMessage() + usage());
        }
        if (jobs < 1 || clients < 1 || timeoutSeconds < 1 || pollMillis < 10 || completionPollMillis < 10) {
            die("jobs, clients and timeout must be positive, poll-ms and completion-poll-ms at least 10" + usage());
        }
        if (!List.of("submit", "crawl", "site-files", "peer", "peers-trawl-queue", "peers-trawl-crawl", "peers-summary")
                .contains(mode)) {
            die("--mode must be submit, crawl, site-files, peer, peers-trawl-queue, peers-trawl-crawl or peers-summary, got "
                    + mode + usage());
        }
        if (!Peers.site.isEmpty()) {
            String host = URI.create(Peers.site).getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                die("--site must point at 127.0.0.1 (loopback only), got " + Peers.site);
            }
        }
        if ("peer".equals(mode) && Peers.command.isEmpty()) {
            die("peer mode needs the peer's command after --" + usage());
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
                + " [--db trawl_bench] [--timeout 600] [--completion-poll-ms 500] [--worker-concurrency N] [--env TEXT]"
                + " [--command TEXT] [--platform-pid PID] [--clock-ticks 100]"
                + "\n       crawl mode: --mode crawl [--pages 600] [--max-depth 20] [--page-kb 20] [--concurrency C]"
                + " [--site-delay-ms 0] [--api ...] [--timeout 600] [--poll-ms 200] [--platform-pid PID]"
                + "\n       peers (bench/run.sh peers runs these): --mode site-files --pages N --page-kb K --out DIR"
                + "\n         --mode peer --side S --kind queue|crawl --label L [--child-label L2] --site URL --site-pid PID"
                + " --results FILE --run R [--pages N] -- COMMAND..."
                + "\n         --mode peers-trawl-queue --api URL --site URL --site-pid PID --platform-pid PID --jobs N"
                + " --clients C --batch 100 --batch-clients C --warmup N --prefix P --node NODE --results FILE --run R"
                + "\n         --mode peers-trawl-crawl --api URL --site URL --platform-pid PID --pages N --results FILE --run R"
                + "\n         --mode peers-summary --results FILE [--settings TEXT]";
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

            // ---- submit one crawl job and wait for it ---------------------------------------------------
            String body = "{\"url\":\"" + siteBase + "/crawl/p0\",\"formats\":[\"metadata\",\"links\"],"
                    + "\"crawl\":{\"maxPages\":" + pages + ",\"maxDepth\":" + maxDepth + "}}";
            CrawlJob job = crawlAndWait(http, apiUri, body, deadline);
            long t0 = job.t0();
            long tEnd = job.tEnd();
            boolean ended = job.ended();
            String id = job.id();
            String status = job.status();
            String last = job.last();
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

        /** How a crawl job went: its id, the last answer about it, when it was submitted and seen to end. */
        record CrawlJob(String id, String status, String last, long t0, long tEnd, boolean ended) { }

        /**
         * Submits one crawl job and polls {@code GET /v1/jobs/{id}} every poll-ms until it ends or the
         * deadline; a job still running then is cancelled, so that nothing is left running.
         */
        static CrawlJob crawlAndWait(HttpClient http, URI apiUri, String body, long deadline) throws Exception {
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
                return null;
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
            // The poll runs during the crawl: the lean client, not java.net.http (one keep-alive connection).
            LeanHttp poller = new LeanHttp(apiUri, 10_000);
            while (System.nanoTime() < deadline) {
                Thread.sleep(pollMillis);
                try {
                    int code = poller.get(statusUri.getRawPath());
                    if (code != 200) {
                        throw new IOException("HTTP " + code + ": " + abbreviate(poller.bodyText()));
                    }
                    last = poller.bodyText();
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
            poller.close();
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
            return new CrawlJob(id, status, last, t0, tEnd, ended);
        }

        /**
         * Site-files mode, for the peers' site (bench/peers/site.mjs): the crawl site, page i in
         * {@code out/crawl/p<i>.html}, and the small page of the queue jobs in {@code out/page.html}
         * with {@code PAGENUMBER} where the page's number goes.
         */
        static void writeSite(Path out) throws IOException {
            Files.createDirectories(out.resolve("crawl"));
            for (int i = 0; i < pages; i++) {
                Files.writeString(out.resolve("crawl").resolve("p" + i + ".html"), page(i));
            }
            Files.writeString(out.resolve("page.html"), LoadGen.page("PAGENUMBER"));
            System.out.printf("wrote %d crawl pages of about %d KB and the queue page to %s%n", pages, pageKb, out);
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

    // ---- peers mode (bench/run.sh peers) ------------------------------------------------------------

    /**
     * The pieces of {@code bench/run.sh peers}: the Trawl side of the queue and crawl comparisons,
     * the wrapper that runs and measures a peer (BullMQ, Scrapy, Crawlee; bench/peers/), and the
     * summary of all runs. Every side fetches from the same Node site (bench/peers/site.mjs), whose
     * counters are reset before each phase and read after it. Each figure goes to the results file
     * as one "run TAB key TAB value" line, which the summary reads.
     */
    static final class Peers {
        static String site = "";                 // the peers' site, http://127.0.0.1:PORT
        static long sitePid = -1;
        static Path results;
        static String run = "1";
        static String side = "peer";             // the results key of a peer: bullmq, scrapy, crawlee
        static String label = "peer";            // how the CPU report names the peer's first process
        static String childLabel;                // ... and the processes it started (default: the same)
        static String kind = "queue";            // queue or crawl
        static int warmup = 0;
        static int batch = 100;
        static int batchClients = 50;
        static String node = "node";
        static String dir = "bench/peers";
        static String prefix = "trawl-bench:";
        static String out = "";
        static String settings = "";
        static final List<String> command = new ArrayList<>();
        static final String INDENT = "          ";

        // ---- the site's counters and the results file ---------------------------------------------

        static final HttpClient SITE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        static Map<String, String> siteStats() {
            try {
                HttpResponse<String> r = SITE.send(HttpRequest.newBuilder(URI.create(site + "/_site/stats"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                return flatJson(r.body());
            } catch (IOException e) {
                System.err.println("loadgen: reading the site's counters failed: " + e);
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }

        static void resetSite() {
            try {
                SITE.send(HttpRequest.newBuilder(URI.create(site + "/_site/reset")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                die("the peers' site at " + site + " does not answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static final Pattern MEMBER = Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,}\\s]+))");

        /** The members of a flat JSON object (no nesting), values as text. */
        static Map<String, String> flatJson(String json) {
            Map<String, String> m = new LinkedHashMap<>();
            Matcher x = MEMBER.matcher(json == null ? "" : json);
            while (x.find()) {
                m.put(x.group(1), x.group(2) != null ? x.group(2).replace("\\\"", "\"") : x.group(3));
            }
            return m;
        }

        static double num(Map<String, String> m, String key) {
            try {
                return Double.parseDouble(m.getOrDefault(key, "NaN"));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        /** Appends one figure of this run to the results file. */
        static void record(String key, Object value) {
            if (results == null) {
                return;
            }
            String v = value instanceof Double d ? String.format(java.util.Locale.ROOT, "%.3f", d) : String.valueOf(value);
            try {
                Files.writeString(results, run + "\t" + key + "\t" + v + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                die("cannot write " + results + ": " + e);
            }
        }

        // ---- the lines every side prints ---------------------------------------------------------

        /** One phase of the queue comparison, the same line for BullMQ and Trawl. */
        static String queueLine(String who, String phase, double submitRate, double p50, double p99, long calls,
                double processedRate, long done, double processedSeconds, long failed, Map<String, String> site) {
            return String.format("%-7s %-15s submit %6.0f jobs/s (p50 %6.1f ms, p99 %7.1f ms per call, %d calls)"
                            + "  processed %6.0f jobs/s (%d jobs in %.2f s, first submit to last done)  failed %d"
                            + "  site: %s requests, %s distinct pages%n",
                    who, phase, submitRate, p50, p99, calls, processedRate, done, processedSeconds, failed,
                    site.getOrDefault("queueRequests", "?"), site.getOrDefault("queueDistinct", "?"));
        }

        /** One crawl, the same line for Scrapy, Crawlee and Trawl. */
        static String crawlLine(String who, long crawled, double seconds, long peakKb, long hwmKb, Map<String, String> site) {
            return String.format("%-7s crawl           %d pages in %.2f s = %6.1f pages/s  peak RSS %s (VmHWM %s)"
                            + "  site: %s served, %s distinct, %s more than once%s, %s robots.txt, %s other, %s connections%n",
                    who, crawled, seconds, crawled / seconds, Crawl.mb(peakKb), Crawl.mb(hwmKb),
                    site.getOrDefault("crawlServed", "?"), site.getOrDefault("crawlDistinct", "?"),
                    site.getOrDefault("crawlDuplicates", "?"),
                    site.getOrDefault("crawlTwice", "").isEmpty() ? "" : " (" + site.get("crawlTwice") + ")",
                    site.getOrDefault("robots", "?"), site.getOrDefault("other", "?"), site.getOrDefault("crawlConnections", "?"));
        }

        /** Whether the site served every crawl page exactly once. */
        static String crawlSiteProblem(Map<String, String> site) {
            double served = num(site, "crawlServed");
            double distinct = num(site, "crawlDistinct");
            if (served == pages && distinct == pages) {
                return null;
            }
            return String.format("the site served %.0f page requests for %.0f distinct pages of %d", served, distinct, pages);
        }

        // ---- a peer, run and measured -------------------------------------------------------------

        /**
         * Runs the peer's command and follows its protocol lines (bench/peers/protocol.mjs): at
         * "@@start" it resets the site's counters, takes a CPU snapshot (and starts sampling the
         * peer's memory in crawl mode) and answers; at "@@end" it takes the second snapshot while
         * the peer's processes are all alive, reads the site's counters and answers; at "@@result"
         * it prints the phase's line and records its figures. The peer's other output is indented.
         */
        static int runPeer() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Runnable kill = () -> {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            };
            Runtime.getRuntime().addShutdownHook(new Thread(kill));
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        System.err.println("loadgen: " + side + " did not finish within " + timeoutSeconds + " s; stopping it");
                        kill.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "watchdog");
            watchdog.setDaemon(true);
            watchdog.start();

            CpuSnapshot.Roles roles = new CpuSnapshot.Roles(platformPid, sitePid, p.pid(), label,
                    childLabel == null ? label : childLabel);
            var fromPeer = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            var toPeer = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            CpuSnapshot before = null;
            RssSampler rss = null;
            long t0 = 0;
            String cpu = "n/a";
            Map<String, String> siteCounts = Map.of();
            long hwm = -1;
            int phases = 0;
            boolean ok = true;
            for (String line; (line = fromPeer.readLine()) != null; ) {
                if (line.startsWith("@@start ")) {
                    resetSite();
                    if ("crawl".equals(kind)) {
                        rss = new RssSampler(p.pid(), deadline, true);
                        rss.start();
                    }
                    before = CpuSnapshot.take();
                    t0 = System.nanoTime();
                    answer(toPeer);
                } else if (line.startsWith("@@end ")) {
                    CpuSnapshot after = CpuSnapshot.take();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (rss != null) {
                        rss.stop();
                        hwm = rss.readKb("VmHWM");
                    }
                    siteCounts = siteStats();
                    cpu = before == null ? "n/a" : before.describeRoles(after, seconds, roles);
                    answer(toPeer);
                } else if (line.startsWith("@@result ")) {
                    ok &= peerPhase(flatJson(line.substring("@@result ".length())), siteCounts, cpu, rss, hwm);
                    phases++;
                    rss = null;
                } else {
                    System.out.println(INDENT + line);
                }
            }
            p.waitFor();
            System.out.flush();
            if (p.exitValue() != 0) {
                System.err.println("loadgen: " + side + " exited with " + p.exitValue());
            }
            return ok && phases > 0 && p.exitValue() == 0 ? 0 : 2;
        }

        static void answer(java.io.Writer toPeer) {
            try {
                toPeer.write("go\n");
                toPeer.flush();
            } catch (IOException e) {
                // the peer does not read its answers (run by hand) or has ended
            }
        }

        /** Prints and records one phase of a peer; false if something in it went wrong. */
        static boolean peerPhase(Map<String, String> r, Map<String, String> siteCounts, String cpu, RssSampler rss, long hwm) {
            String phase = r.getOrDefault("phase", "?");
            String key = side + "." + phase;
            List<String> problems = new ArrayList<>();
            if (!"true".equals(r.get("ok"))) {
                problems.add(r.getOrDefault("problem", "the peer reported a problem"));
            }
            StringBuilder text = new StringBuilder();
            if ("crawl".equals(kind)) {
                long crawled = (long) num(r, "pages");
                double seconds = num(r, "seconds");
                long peak = rss == null ? -1 : rss.peakKb();
                text.append(crawlLine(side, crawled, seconds, peak, hwm, siteCounts));
                record(key + ".pagesPerSecond", crawled / seconds);
                record(key + ".rssMb", peak / 1024.0);
                String siteProblem = crawlSiteProblem(siteCounts);
                if (siteProblem != null) {
                    problems.add(siteProblem);
                }
                if (crawled != pages) {
                    problems.add(side + " handled " + crawled + " pages of " + pages);
                }
            } else {
                long count = (long) num(r, "jobs");
                text.append(queueLine(side, phase, num(r, "submitRate"), num(r, "p50Ms"), num(r, "p99Ms"),
                        (long) num(r, "requests"), num(r, "processedRate"), (long) num(r, "completed"),
                        num(r, "processedSeconds"), (long) num(r, "failed"), siteCounts));
                for (String figure : List.of("submitRate", "p50Ms", "p99Ms", "processedRate")) {
                    record(key + "." + figure, num(r, figure));
                }
                if (num(siteCounts, "queueRequests") != count || num(siteCounts, "queueDistinct") != count) {
                    problems.add("the site served " + siteCounts.get("queueRequests") + " requests for "
                            + siteCounts.get("queueDistinct") + " distinct pages, for " + count + " jobs");
                }
            }
            text.append(INDENT).append("cpu: ").append(cpu).append('\n');
            for (String problem : problems) {
                text.append(INDENT).append("PROBLEM: ").append(problem).append('\n');
            }
            System.out.print(text);
            System.out.flush();
            return problems.isEmpty();
        }

        // ---- Trawl's side of the queue comparison ----------------------------------------------------

        /**
         * The Trawl side of one queue run, against the running platform: a warm-up of single and
         * batch submits (when --warmup > 0), then --jobs single submits from --clients HTTP clients,
         * then --jobs in batches of --batch from --batch-clients clients. Each phase waits until all
         * its jobs ended (PostgreSQL), then checks that they all succeeded, that each left queued,
         * started, page and succeeded in Redis (bench/peers/check-events.mjs), and that a few replay
         * over SSE.
         */
        static int trawlQueue(URI apiUri) throws Exception {
            if (pollCounts() == null) {
                die("cannot query PostgreSQL database " + pgDb + " on " + pgHost + ":" + pgPort + " with psql");
            }
            System.out.println(INDENT + warmClient(20_000, batch, Math.max(1, 2_000 / batch)));
            System.out.flush();
            boolean ok = true;
            if (warmup > 0) {
                ok &= trawlPhase(apiUri, "warmup-single", 1, warmup);
                ok &= trawlPhase(apiUri, "warmup-batch", batch, warmup);
            }
            ok &= trawlPhase(apiUri, "single", 1, jobs);
            ok &= trawlPhase(apiUri, "batch", batch, jobs);
            return ok ? 0 : 2;
        }

        static boolean trawlPhase(URI apiUri, String phase, int perRequest, int count) throws Exception {
            String key = "trawl." + phase;
            resetSite();
            long[] baseline = pollCounts();
            long pollTicksBefore = PsqlSession.backendTicks();
            CpuSnapshot before = CpuSnapshot.take();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            URI uri = apiUri.resolve(perRequest == 1 ? "/v1/jobs" : "/v1/jobs/batch");
            Submitted s = submitAll(uri, perRequest, perRequest == 1 ? clients : batchClients, count, deadline,
                    n -> "{\"url\":\"" + site + "/page?n=" + n + "\",\"formats\":[\"metadata\"]}");
            if (s.notFound() && s.accepted() == 0) {
                System.out.printf("%-7s %-15s n/a (no batch endpoint in this build: POST /v1/jobs/batch answered %s)%n",
                        "trawl", phase, s.nonAccepted().keySet());
                for (String figure : List.of("submitRate", "p50Ms", "p99Ms", "processedRate")) {
                    record(key + "." + figure, "n/a");
                }
                return true;
            }
            Completion c = awaitFinished(baseline, s.accepted(), s.endNanos(), deadline);
            CpuSnapshot after = CpuSnapshot.take();
            long pollTicksAfter = PsqlSession.backendTicks();
            long pollTicks = pollTicksBefore < 0 || pollTicksAfter < 0 ? -1 : pollTicksAfter - pollTicksBefore;
            long tEnd = c.tDone() >= 0 ? c.tDone() : System.nanoTime();
            Map<String, String> siteCounts = siteStats();

            // The end is the last job's finished_at (same clock), not the poll that saw it.
            double processedSeconds = (tEnd - s.t0Nanos()) / 1e9;
            long[] times = finishedTimes(0);
            if (c.tDone() >= 0 && times != null && times[0] > 0) {
                processedSeconds = (times[0] - s.t0EpochMicros()) / 1e6;
            }
            long succeeded = c.last() == null ? 0 : c.last()[0] - baseline[0];
            long failed = c.last() == null ? 0 : c.last()[1] - baseline[1];
            double submitSeconds = (s.endNanos() - s.t0Nanos()) / 1e9;
            double submitRate = s.accepted() / submitSeconds;
            double processedRate = succeeded / processedSeconds;
            long[] lat = s.latencies();

            StringBuilder text = new StringBuilder(queueLine("trawl", phase, submitRate, pct(lat, 50), pct(lat, 99),
                    s.requests(), processedRate, succeeded + failed, processedSeconds, failed, siteCounts));
            text.append(INDENT).append("cpu: ").append(before.describeRoles(after, (tEnd - s.t0Nanos()) / 1e9,
                    new CpuSnapshot.Roles(platformPid, sitePid, -1, "", ""))).append('\n');
            text.append(INDENT).append(String.format("load generator: %.0f us CPU per request while submitting (%.2f cpu-s"
                            + " for %d requests, %d connections); completion: %d polls every %d ms, %s of PostgreSQL CPU"
                            + " (its session's backend, the full count at the end included)%n",
                    s.cpuNanos() / 1e3 / Math.max(1, s.sent()), s.cpuNanos() / 1e9,
                    s.sent(), s.connections(), c.polls(), completionPollMillis,
                    pollTicks < 0 ? "n/a" : String.format("%.2f s", pollTicks / (double) clockTicks)));
            record(key + ".clientUsPerRequest", s.cpuNanos() / 1e3 / Math.max(1, s.sent()));
            record(key + ".submitRate", submitRate);
            record(key + ".p50Ms", pct(lat, 50));
            record(key + ".p99Ms", pct(lat, 99));
            record(key + ".processedRate", processedRate);

            List<String> problems = new ArrayList<>();
            if (s.accepted() < count) {
                problems.add(String.format("only %d of %d jobs were accepted; not accepted: %s; e.g. %s",
                        s.accepted(), count, s.nonAccepted(), String.join(" | ", s.samples())));
            } else if (s.nonAcceptedCount() > 0) {
                text.append(INDENT).append("note: ").append(s.nonAcceptedCount()).append(" jobs were refused and submitted again: ")
                        .append(s.nonAccepted()).append('\n');
            }
            if (c.tDone() < 0) {
                problems.add(String.format("NOT FINISHED after %d s: %d of %d ended; job states: %s",
                        timeoutSeconds, succeeded + failed, s.accepted(), stateBreakdown()));
            } else if (succeeded != s.accepted() || failed != 0) {
                problems.add(String.format("%d jobs succeeded and %d did not, of %d; job states: %s",
                        succeeded, failed, s.accepted(), stateBreakdown()));
            }
            if (num(siteCounts, "queueDistinct") != s.accepted() || num(siteCounts, "queueRequests") != s.accepted()) {
                problems.add("the site served " + siteCounts.get("queueRequests") + " requests for "
                        + siteCounts.get("queueDistinct") + " distinct pages, for " + s.accepted() + " jobs");
            }
            String events = checkEvents(s.ids());
            Map<String, String> ev = flatJson(events);
            text.append(INDENT).append(String.format("events: %s of %s jobs have queued, started, page, succeeded in that order"
                            + " in Redis (XRANGE %sjob:<id>:events - +)%s; %s%n",
                    ev.getOrDefault("ok", "?"), ev.getOrDefault("checked", "?"), prefix,
                    "0".equals(ev.getOrDefault("otherTypes", "0")) ? "" : ", " + ev.get("otherTypes") + " with other events too",
                    checkSse(apiUri, s.ids())));
            if (num(ev, "ok") != s.accepted() || num(ev, "checked") != s.accepted()) {
                problems.add("events: " + events);
            }
            for (String problem : problems) {
                text.append(INDENT).append("PROBLEM: ").append(problem).append('\n');
            }
            System.out.print(text);
            System.out.flush();
            return problems.isEmpty();
        }

        /** Runs bench/peers/check-events.mjs on the jobs; its JSON line, or a line that says what failed. */
        static String checkEvents(List<String> ids) {
            try {
                Path file = Files.createTempFile("trawl-peers-ids", ".txt");
                try {
                    Files.write(file, ids);
                    Process p = new ProcessBuilder(node, Path.of(dir, "check-events.mjs").toString(), "--prefix", prefix,
                            "--ids", file.toString()).redirectErrorStream(true).start();
                    p.getOutputStream().close();
                    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        p.destroyForcibly();
                        return "{\"problem\":\"check-events failed: " + abbreviate(text).replace("\"", "'") + "\"}";
                    }
                    return text.substring(text.lastIndexOf('\n') + 1);
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                return "{\"problem\":\"cannot run check-events: " + e.getMessage() + "\"}";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "{\"problem\":\"interrupted\"}";
            }
        }

        /** Replays the events of three of the jobs over SSE (GET /v1/jobs/{id}/events, from the start). */
        static String checkSse(URI apiUri, List<String> ids) {
            if (ids.isEmpty()) {
                return "no SSE replay (no jobs)";
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Pattern event = Pattern.compile("(?m)^event:\\s*(\\w+)");
            int good = 0;
            String bad = "";
            int sample = Math.min(3, ids.size());
            for (int k = 0; k < sample; k++) {
                String id = ids.get(k * ids.size() / sample);
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(apiUri.resolve("/v1/jobs/" + id + "/events"))
                            .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    List<String> types = new ArrayList<>();
                    Matcher m = event.matcher(r.body());
                    while (m.find()) {
                        types.add(m.group(1));
                    }
                    if (r.statusCode() == 200 && types.equals(List.of("queued", "started", "page", "succeeded"))) {
                        good++;
                    } else if (bad.isEmpty()) {
                        bad = " (job " + id + ": HTTP " + r.statusCode() + ", events " + types + ")";
                    }
                } catch (IOException e) {
                    if (bad.isEmpty()) {
                        bad = " (job " + id + ": " + e + ")";
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return String.format("SSE replay from the start: %d of %d sampled jobs complete%s", good, sample, bad);
        }

        // ---- Trawl's side of the crawl comparison --------------------------------------------------

        /**
         * One crawl job over the peers' crawl site (from /crawl/p0, maxPages = --pages, formats
         * metadata and links) on the running platform; pages/s over the job's own createdAt to
         * finishedAt, and the platform's peak RSS while it crawled.
         */
        static int trawlCrawl(URI apiUri) throws Exception {
            resetSite();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            RssSampler rss = new RssSampler(platformPid, deadline);
            rss.start();
            CpuSnapshot before = CpuSnapshot.take();
            String body = "{\"url\":\"" + site + "/crawl/p0\",\"formats\":[\"metadata\",\"links\"],"
                    + "\"crawl\":{\"maxPages\":" + pages + ",\"maxDepth\":" + maxDepth + "}}";
            Crawl.CrawlJob job = Crawl.crawlAndWait(http, apiUri, body, deadline);
            CpuSnapshot after = CpuSnapshot.take();
            rss.stop();
            long hwm = rss.readKb("VmHWM");
            Map<String, String> siteCounts = siteStats();
            int stored = Crawl.intField(job.last(), "pages");
            Double running = Crawl.between(job.last(), "createdAt", "finishedAt");
            double seconds = job.ended() && running != null && running > 0 ? running : (job.tEnd() - job.t0()) / 1e9;

            StringBuilder text = new StringBuilder(crawlLine("trawl", stored, seconds, rss.peakKb(), hwm, siteCounts));
            text.append(INDENT).append("cpu: ").append(before.describeRoles(after, (job.tEnd() - job.t0()) / 1e9,
                    new CpuSnapshot.Roles(platformPid, sitePid, -1, "", ""))).append('\n');
            record("trawl.crawl.pagesPerSecond", stored / seconds);
            record("trawl.crawl.rssMb", rss.peakKb() / 1024.0);
            List<String> problems = new ArrayList<>();
            if (!job.ended() || !"succeeded".equals(job.status())) {
                problems.add("job " + job.id() + " is '" + job.status() + "': " + abbreviate(job.last()));
            }
            if (stored != pages) {
                problems.add("trawl stored " + stored + " pages of " + pages);
            }
            String siteProblem = crawlSiteProblem(siteCounts);
            if (siteProblem != null) {
                problems.add(siteProblem);
            }
            for (String problem : problems) {
                text.append(INDENT).append("PROBLEM: ").append(problem).append('\n');
            }
            System.out.print(text);
            System.out.flush();
            return problems.isEmpty() ? 0 : 2;
        }

        // ---- the summary of all runs ---------------------------------------------------------------

        /** Prints every run's figures side by side, their medians and the ratios, from the results file. */
        static int summary() throws IOException {
            Map<String, Map<String, String>> byRun = new java.util.TreeMap<>();
            if (results != null && Files.exists(results)) {
                for (String line : Files.readAllLines(results)) {
                    String[] f = line.split("\t");
                    if (f.length == 3) {
                        byRun.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f[2]);
                    }
                }
            }
            if (byRun.isEmpty()) {
                System.out.println("summary: no figures were recorded");
                return 2;
            }
            List<String> runs = new ArrayList<>(byRun.keySet());
            Summary t = new Summary(byRun, runs);
            StringBuilder out = new StringBuilder();
            out.append('\n').append("Summary of ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                    .append(settings.isEmpty() ? "" : " (" + settings + ")").append('\n');
            out.append(t.header());
            boolean queue = t.has("bullmq.add.submitRate") || t.has("trawl.single.submitRate");
            boolean crawl = t.has("trawl.crawl.pagesPerSecond") || t.has("scrapy.crawl.pagesPerSecond");
            if (queue) {
                out.append("queue: single submits\n");
                out.append(t.row("  BullMQ queue.add (jobs/s)", "bullmq.add.submitRate", "%.0f"));
                out.append(t.row("  BullMQ p50 latency of one add (ms)", "bullmq.add.p50Ms", "%.1f"));
                out.append(t.row("  BullMQ p99 latency of one add (ms)", "bullmq.add.p99Ms", "%.1f"));
                out.append(t.row("  Trawl POST /v1/jobs (jobs/s)", "trawl.single.submitRate", "%.0f"));
                out.append(t.row("  Trawl p50 latency (ms)", "trawl.single.p50Ms", "%.1f"));
                out.append(t.row("  Trawl p99 latency (ms)", "trawl.single.p99Ms", "%.1f"));
                out.append(t.ratio("  ratio Trawl/BullMQ (target >= 0.25x, p99 < 50 ms)", "trawl.single.submitRate",
                        List.of("bullmq.add.submitRate")));
                out.append("queue: bulk submits, batches of ").append(batch).append('\n');
                out.append(t.row("  BullMQ queue.addBulk (jobs/s)", "bullmq.addBulk.submitRate", "%.0f"));
                out.append(t.row("  Trawl POST /v1/jobs/batch (jobs/s)", "trawl.batch.submitRate", "%.0f"));
                out.append(t.ratio("  ratio Trawl/BullMQ (target >= 1.0x)", "trawl.batch.submitRate",
                        List.of("bullmq.addBulk.submitRate")));
                if (t.allNotAvailable("trawl.batch.submitRate")) {
                    out.append("  (Trawl n/a: no batch endpoint in this build, POST /v1/jobs/batch answered 404 or 405)\n");
                }
                out.append("queue: processed, first submit to last job done\n");
                out.append(t.row("  BullMQ, jobs added with queue.add (jobs/s)", "bullmq.add.processedRate", "%.0f"));
                out.append(t.row("  BullMQ, jobs added with addBulk (jobs/s)", "bullmq.addBulk.processedRate", "%.0f"));
                out.append(t.row("  Trawl, single submits (jobs/s)", "trawl.single.processedRate", "%.0f"));
                out.append(t.ratio("  ratio Trawl single / BullMQ queue.add", "trawl.single.processedRate",
                        List.of("bullmq.add.processedRate")));
                out.append(t.row("  Trawl, batch submits (jobs/s)", "trawl.batch.processedRate", "%.0f"));
                out.append(t.ratio("  ratio Trawl batch / BullMQ queue.add", "trawl.batch.processedRate",
                        List.of("bullmq.add.processedRate")));
            }
            if (crawl) {
                out.append("crawl: ").append(pages).append(" pages\n");
                out.append(t.row("  Scrapy (pages/s)", "scrapy.crawl.pagesPerSecond", "%.1f"));
                out.append(t.row("  Crawlee (pages/s)", "crawlee.crawl.pagesPerSecond", "%.1f"));
                out.append(t.row("  Trawl (pages/s)", "trawl.crawl.pagesPerSecond", "%.1f"));
                out.append(t.ratio("  ratio Trawl / max(Scrapy, Crawlee) (target >= 1.5x)", "trawl.crawl.pagesPerSecond",
                        List.of("scrapy.crawl.pagesPerSecond", "crawlee.crawl.pagesPerSecond")));
                out.append(t.row("  Scrapy peak RSS (MB)", "scrapy.crawl.rssMb", "%.0f"));
                out.append(t.row("  Crawlee peak RSS (MB)", "crawlee.crawl.rssMb", "%.0f"));
                out.append(t.row("  Trawl peak RSS (MB)", "trawl.crawl.rssMb", "%.0f"));
                out.append(t.ratio("  ratio Trawl RSS / Crawlee RSS (target <= 1.0x)", "trawl.crawl.rssMb",
                        List.of("crawlee.crawl.rssMb")));
            }
            out.append("(median: the median of the runs; a ratio's median is the ratio of the medians)\n");
            System.out.print(out);
            return 0;
        }

        /** The table of the summary: one column per run, then the median. */
        record Summary(Map<String, Map<String, String>> byRun, List<String> runs) {

            boolean has(String key) {
                return byRun.values().stream().anyMatch(m -> m.containsKey(key));
            }

            boolean allNotAvailable(String key) {
                return has(key) && byRun.values().stream().allMatch(m -> "n/a".equals(m.getOrDefault(key, "n/a")));
            }

            /** The run's figure, NaN if it is missing or n/a. */
            double value(String run, String key) {
                String v = byRun.get(run).get(key);
                try {
                    return v == null ? Double.NaN : Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }

            double median(String key) {
                double[] v = runs.stream().mapToDouble(r -> value(r, key)).filter(d -> !Double.isNaN(d)).sorted().toArray();
                if (v.length == 0) {
                    return Double.NaN;
                }
                return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            }

            String header() {
                StringBuilder h = new StringBuilder(String.format("%-56s", ""));
                for (String r : runs) {
                    h.append(String.format("%12s", "run " + r));
                }
                return h.append(String.format("%12s%n", "median")).toString();
            }

            String cell(double v, String format) {
                return String.format("%12s", Double.isNaN(v) ? "n/a" : String.format(format, v));
            }

            String row(String name, String key, String format) {
                StringBuilder line = new StringBuilder(String.format("%-56s", name));
                for (String r : runs) {
                    line.append(cell(value(r, key), format));
                }
                return line.append(cell(median(key), format)).append('\n').toString();
            }

            /** numerator / the largest of the denominators, per run and of the medians. */
            String ratio(String name, String numerator, List<String> denominators) {
                StringBuilder line = new StringBuilder(String.format("%-56s", name));
                for (String r : runs) {
                    double d = denominators.stream().mapToDouble(k -> value(r, k)).filter(x -> !Double.isNaN(x)).max()
                            .orElse(Double.NaN);
                    line.append(cell(value(r, numerator) / d, "%.2fx"));
                }
                double d = denominators.stream().mapToDouble(this::median).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
                return line.append(cell(median(numerator) / d, "%.2fx")).append('\n').toString();
            }
        }
    }

    /**
     * Samples VmRSS of a process from /proc/PID/status every 100 ms until stopped (or the deadline);
     * with {@code tree}, the sum over the process and all its descendants at each sample.
     */
    static final class RssSampler implements Runnable {
        private final long pid;
        private final long deadline;
        private final boolean tree;
        private volatile boolean stopped;
        private final AtomicLong peak = new AtomicLong(-1);
        private final AtomicInteger samples = new AtomicInteger();

        RssSampler(long pid, long deadline) {
            this(pid, deadline, false);
        }

        RssSampler(long pid, long deadline, boolean tree) {
            this.pid = pid;
            this.deadline = deadline;
            this.tree = tree;
        }

        /** Starts sampling on a daemon thread of its own. */
        Thread start() {
            Thread t = new Thread(this, "rss-sampler");
            t.setDaemon(true);
            t.start();
            return t;
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
            if (kb >= 0 && tree) {
                kb += ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                        .mapToLong(d -> readKb(d.pid(), "VmRSS")).filter(v -> v > 0).sum();
            }
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
            return readKb(pid, name);
        }

        static long readKb(long pid, String name) {
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
