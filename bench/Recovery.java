import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trawl recovery benchmark: a single-file JDK 17 program, run by {@code bench/run.sh recovery} with
 * the PostgreSQL JDBC driver of the packaged platform on its class path.
 *
 * <p>It makes jobs stale the way a crash does, straight in PostgreSQL and without a stream entry,
 * and times how long the running platform takes to find them, put them back in the queue and run
 * them. Three ways, each for every size:
 * <ul>
 * <li><b>rebuild</b>: N {@code queued} jobs, then DEL {@code <prefix>epoch}, which is what Redis
 *     losing its data looks like to the {@code QueueReconciler}. It XADDs every queued job.
 * <li><b>reaper</b>: N {@code running} jobs whose lease, owned by a worker that no longer exists,
 *     ran out 5 minutes ago. The {@code LeaseReaper} requeues them.
 * <li><b>sweep</b>: N {@code queued} jobs last touched 10 minutes ago (an INSERT whose XADD never
 *     happened). The reconciler's stranded-job sweep requeues them.
 * </ul>
 * The clock starts at the DEL (rebuild) or at the commit of the INSERT (reaper, sweep). The
 * program watches {@code entries-added} of the three work streams (XINFO STREAM) about every
 * millisecond, so it sees the first and the N-th new entry, and polls PostgreSQL until all N jobs
 * ended; the time the last one ended is read from {@code finished_at}.
 *
 * <p>Everything it talks to is on 127.0.0.1. It touches only the database and the Redis key
 * prefix it is given (it DELs {@code <prefix>epoch} and reads the work streams).
 */
public class Recovery {

    // ---- options -----------------------------------------------------------------------------
    static String api = "http://127.0.0.1:18080";
    static String db = "trawl_bench";
    static String prefix = "trawl-bench:";
    static int redisPort = 6379;
    static int pgPort = 5432;
    static List<Integer> sizes = List.of(100, 1000, 10000);
    static List<String> scenarios = List.of("rebuild", "reaper", "sweep");
    static int warmup = 300;
    static long timeoutSeconds = 120;
    static String platformLog = null;
    static long platformPid = -1;
    static long clockTicks = 100;
    static String environment = "";
    static String settings = "";
    static String command = "";

    static final String DEAD_WORKER = "bench-dead-worker";
    static final SecureRandom RANDOM = new SecureRandom();

    // ---- target site ------------------------------------------------------------------------------
    /** Requests served per job tag ({@code /page?n=<tag>-<i>}) and per page, to see a page fetched twice. */
    static final Map<String, AtomicLong> servedPerTag = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> servedPerPage = new ConcurrentHashMap<>();

    record Result(String scenario, int jobs, double waitMs, double requeueMs, double recoveredMs, double doneMs,
            long succeeded, long failed, long unfinished, long pages, long fetches, long fetchedTwice, int maxAttempt,
            String platformSays, double platformCpu, boolean complete) {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");   // see LoadGen: no 40 ms delayed ACK
        }
        parse(args);
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        ExecutorService siteThreads = Executors.newFixedThreadPool(16, daemon("site"));
        site.setExecutor(siteThreads);
        site.createContext("/", Recovery::serve);
        site.start();
        String siteBase = "http://127.0.0.1:" + site.getAddress().getPort();

        try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/" + db, "postgres", "");
                Resp redis = new Resp(redisPort)) {
            pg.setAutoCommit(true);
            String template = probe(pg, siteBase);
            CpuSnapshot cpuBefore = CpuSnapshot.take();
            long t0 = System.nanoTime();
            if (warmup > 0) {
                for (String scenario : scenarios) {
                    Result r = run(pg, redis, siteBase, template, scenario, warmup, "warmup");
                    System.err.printf("recovery: warm-up %s of %d jobs: all requeued in %s ms, all ended in %s s%s%n",
                            scenario, warmup, fmt(r.recoveredMs, 0), fmt(r.doneMs / 1000, 2), r.complete ? "" : " (INCOMPLETE)");
                }
            }
            List<Result> results = new ArrayList<>();
            boolean ok = true;
            rounds:
            for (int n : sizes) {
                for (String scenario : scenarios) {
                    Result r = run(pg, redis, siteBase, template, scenario, n, scenario);
                    results.add(r);
                    ok &= r.complete && r.failed == 0;
                    System.err.printf("recovery: %s of %d jobs: wait %s ms, requeue %s ms, all ended %s s after the trigger%s%n",
                            scenario, n, fmt(r.waitMs, 0), fmt(r.requeueMs, 0), fmt(r.doneMs / 1000, 2),
                            r.complete ? "" : " (INCOMPLETE)");
                    if (!r.complete) {
                        // its jobs are still waiting: they would be counted in the next round's stream entries
                        System.err.println("recovery: stopping here; the rounds after an incomplete one would not be measured right");
                        break rounds;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            report(results, siteBase, cpuBefore.describe(CpuSnapshot.take(), seconds));
            site.stop(0);
            siteThreads.shutdownNow();
            System.exit(ok ? 0 : 2);
        }
    }

    /**
     * Submits one job through the API and waits for it to succeed: the site works, and the
     * {@code request} column the API stored is the template of every job this program inserts.
     */
    static String probe(Connection pg, String siteBase) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + siteBase + "/page?n=probe-0\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(r.body());
        if (r.statusCode() != 202 || !m.find()) {
            die("the probe job was not accepted: HTTP " + r.statusCode() + ": " + r.body());
        }
        UUID id = UUID.fromString(m.group(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (PreparedStatement s = pg.prepareStatement("SELECT state, request::text FROM jobs WHERE id = ?")) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && !List.of("queued", "running", "retrying").contains(rs.getString(1))) {
                        if (!"succeeded".equals(rs.getString(1))) {
                            die("the probe job " + id + " ended " + rs.getString(1) + ", not succeeded");
                        }
                        return rs.getString(2);
                    }
                }
            }
            Thread.sleep(100);
        }
        die("the probe job " + id + " did not end within 60 s");
        return null;
    }

    // ---- one scenario ---------------------------------------------------------------------------------

    static int runs;

    static Result run(Connection pg, Resp redis, String siteBase, String template, String scenario, int n, String label)
            throws Exception {
        String tag = label + "-" + n + "-" + (++runs);
        String urlPrefix = siteBase + "/page?n=" + tag + "-";
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = uuid7();
        }
        long logOffset = platformLog == null ? 0 : Files.size(Path.of(platformLog));
        long base = entriesAdded(redis);
        long cpuBefore = processTicks(platformPid);

        long t0;
        long t0EpochMs;
        switch (scenario) {
            case "rebuild" -> {
                insert(pg, ids, urlPrefix, template, "queued", 0);
                t0 = System.nanoTime();
                t0EpochMs = System.currentTimeMillis();
                Object deleted = redis.call("DEL", prefix + "epoch");
                if (!Long.valueOf(1).equals(deleted)) {
                    die("DEL " + prefix + "epoch answered " + deleted + ", expected 1 (is the platform's worker role running?)");
                }
            }
            case "sweep" -> {
                insert(pg, ids, urlPrefix, template, "queued", 600);
                t0 = System.nanoTime();
                t0EpochMs = System.currentTimeMillis();
            }
            case "reaper" -> {
                insert(pg, ids, urlPrefix, template, "running", 600);
                t0 = System.nanoTime();
                t0EpochMs = System.currentTimeMillis();
            }
            default -> throw new IllegalArgumentException(scenario);
        }

        // Requeue: entries-added of the work streams, about every millisecond; completion: PostgreSQL every 100 ms.
        long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long tFirst = -1;
        long tAll = -1;
        long nextPoll = System.nanoTime();
        long[] counts = {0, 0, 0};
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (tAll < 0) {
                long added = entriesAdded(redis) - base;
                long seen = System.nanoTime();
                if (added > 0 && tFirst < 0) {
                    tFirst = seen;
                }
                if (added >= n) {
                    tAll = seen;
                }
            }
            if (now >= nextPoll) {
                counts = counts(pg, urlPrefix);
                nextPoll = now + TimeUnit.MILLISECONDS.toNanos(100);
                if (counts[0] + counts[1] >= n && tAll >= 0) {
                    break;
                }
            }
            Thread.sleep(tAll < 0 ? 1 : 20);
        }
        boolean complete = tAll >= 0 && counts[0] + counts[1] >= n;
        long platformCpu = processTicks(platformPid) - cpuBefore;

        // How the jobs ended, from PostgreSQL: the last finished_at is the end of the run.
        double doneMs = Double.NaN;
        long pages = 0;
        int maxAttempt = 0;
        long stillDead = 0;
        try (PreparedStatement s = pg.prepareStatement("""
                SELECT extract(epoch FROM max(finished_at)) * 1000, max(attempt), sum(page_count),
                       count(*) FILTER (WHERE lease_owner = ?)
                  FROM jobs WHERE request ->> 'url' LIKE ?""")) {
            s.setString(1, DEAD_WORKER);
            s.setString(2, urlPrefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (complete) {
                    doneMs = rs.getDouble(1) - t0EpochMs;
                }
                maxAttempt = rs.getInt(2);
                pages = rs.getLong(3);
                stillDead = rs.getLong(4);
            }
        }
        if (!complete) {
            System.err.printf("recovery: %s of %d jobs NOT FINISHED after %d s: %d entries of %d added, job states %s,"
                    + " %d still owned by the dead worker%n", scenario, n, timeoutSeconds, entriesAdded(redis) - base, n,
                    states(pg, urlPrefix), stillDead);
        }
        long fetches = servedPerTag.getOrDefault(tag, new AtomicLong()).get();
        long twice = 0;
        for (var e : servedPerPage.entrySet()) {
            if (e.getKey().startsWith(tag + "-") && e.getValue().get() > 1) {
                twice += e.getValue().get() - 1;
            }
        }
        String says = platformSays(scenario, logOffset);
        return new Result(scenario, n, ms(t0, tFirst), tFirst < 0 ? Double.NaN : ms(tFirst, tAll), ms(t0, tAll), doneMs,
                counts[0], counts[1], n - counts[0] - counts[1], pages, fetches, twice, maxAttempt, says,
                platformCpu / (double) clockTicks, complete);
    }

    /**
     * Inserts the jobs in one statement, as a crash leaves them: no stream entry. {@code agoSeconds}
     * back-dates them (a queued job last touched then, or a running one whose lease ran out then).
     * The job key is a SHA-256 of the URL: recovery never reads it.
     */
    static void insert(Connection pg, UUID[] ids, String urlPrefix, String template, String state, int agoSeconds)
            throws SQLException {
        String sql = """
                INSERT INTO jobs (id, state, priority, request, job_key, attempt, lease_owner, lease_expires_at,
                                  created_at, updated_at, started_at)
                SELECT u.id, ?, 'normal', jsonb_set(?::jsonb, '{url}', to_jsonb(u.url)),
                       encode(sha256(convert_to(u.url, 'UTF8')), 'hex'),
                       CASE WHEN ? = 'running' THEN 1 ELSE 0 END,
                       CASE WHEN ? = 'running' THEN ? END,
                       CASE WHEN ? = 'running' THEN now() - make_interval(secs => ?) END,
                       now() - make_interval(secs => ? * 2), now() - make_interval(secs => ?),
                       CASE WHEN ? = 'running' THEN now() - make_interval(secs => ? * 2) END
                  FROM (SELECT id, ? || ord AS url FROM unnest(?::uuid[]) WITH ORDINALITY AS t(id, ord)) u""";
        try (PreparedStatement s = pg.prepareStatement(sql)) {
            int i = 0;
            s.setString(++i, state);
            s.setString(++i, template);
            s.setString(++i, state);
            s.setString(++i, state);
            s.setString(++i, DEAD_WORKER);
            s.setString(++i, state);
            s.setInt(++i, agoSeconds);
            s.setInt(++i, agoSeconds);
            s.setInt(++i, agoSeconds);
            s.setString(++i, state);
            s.setInt(++i, agoSeconds);
            s.setString(++i, urlPrefix);
            s.setArray(++i, pg.createArrayOf("uuid", ids));
            int inserted = s.executeUpdate();
            if (inserted != ids.length) {
                die("inserted " + inserted + " jobs instead of " + ids.length);
            }
        }
    }

    /** {succeeded, ended otherwise} of the jobs whose URL starts with the prefix. */
    static long[] counts(Connection pg, String urlPrefix) throws SQLException {
        try (PreparedStatement s = pg.prepareStatement("""
                SELECT count(*) FILTER (WHERE state = 'succeeded'),
                       count(*) FILTER (WHERE state IN ('failed', 'cancelled', 'aborted', 'duplicate')), count(*)
                  FROM jobs WHERE request ->> 'url' LIKE ?""")) {
            s.setString(1, urlPrefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    static String states(Connection pg, String urlPrefix) throws SQLException {
        try (PreparedStatement s = pg.prepareStatement("""
                SELECT coalesce(string_agg(state || '=' || n, ' ' ORDER BY state), 'none')
                  FROM (SELECT state, count(*) n FROM jobs WHERE request ->> 'url' LIKE ? GROUP BY state) s""")) {
            s.setString(1, urlPrefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Entries ever added to the three work streams (XINFO STREAM entries-added, Redis 7), in one round trip. */
    static long entriesAdded(Resp redis) throws IOException {
        List<String> streams = List.of(prefix + "jobs:high", prefix + "jobs:normal", prefix + "jobs:low");
        for (String stream : streams) {
            redis.send("XINFO", "STREAM", stream);
        }
        redis.flush();
        long total = 0;
        for (String stream : streams) {
            Object reply = redis.read();
            if (reply instanceof RespError e) {
                if (e.message.contains("no such key")) {
                    continue;
                }
                die("XINFO STREAM " + stream + ": " + e.message);
            }
            List<?> fields = (List<?>) reply;
            Long added = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("entries-added".equals(fields.get(i))) {
                    added = (Long) fields.get(i + 1);
                }
            }
            if (added == null) {
                die("XINFO STREAM " + stream + " has no entries-added (Redis 7 or later is needed)");
            }
            total += added;
        }
        return total;
    }

    /** What the platform logged about the recovery since {@code offset}. */
    static String platformSays(String scenario, long offset) throws IOException {
        if (platformLog == null) {
            return "";
        }
        String text;
        try (RandomAccessFile f = new RandomAccessFile(platformLog, "r")) {
            f.seek(Math.min(offset, f.length()));
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 16, f.length() - f.getFilePointer())];
            f.readFully(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        Pattern line = switch (scenario) {
            case "rebuild" -> Pattern.compile("Queues rebuilt: (\\d+) queued jobs requeued and (\\d+) retries rescheduled in (\\d+) ms");
            case "reaper" -> Pattern.compile("Reaped (\\d+) jobs whose lease expired");
            default -> Pattern.compile("Re-enqueued (\\d+) jobs the queue had lost");
        };
        Matcher m = line.matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add("rebuild".equals(scenario) ? m.group(1) + " in " + m.group(3) + " ms" : m.group(1));
        }
        if (found.isEmpty()) {
            return "(nothing logged)";
        }
        return "rebuild".equals(scenario) ? "rebuilt " + String.join(", ", found)
                : found.size() + (found.size() == 1 ? " pass" : " passes") + " (" + String.join("+", found) + ")";
    }

    // ---- report -------------------------------------------------------------------------------------

    static void report(List<Result> results, String siteBase, String cpu) {
        StringBuilder out = new StringBuilder();
        out.append("Trawl recovery benchmark (").append(environment.isBlank()
                ? Runtime.getRuntime().availableProcessors() + " cores" : environment).append(")\n");
        out.append("stale jobs made in PostgreSQL with no stream entry, single pages of a local site (").append(siteBase)
                .append("); platform ").append(api).append(settings.isBlank() ? "" : ", " + settings).append('\n');
        out.append("rebuild: N queued, then DEL ").append(prefix).append("epoch; reaper: N running, lease of a dead worker"
                + " expired 5 min ago; sweep: N queued, last touched 10 min ago. Clock starts at the DEL or the INSERT's commit.\n");
        out.append("wait = until the first new stream entry; requeue = first to N-th new entry; recovered = wait + requeue;"
                + " all ended = until the last job's finished_at; jobs/s = N / (all ended - wait)\n");
        String header = String.format("%-8s %6s %9s %11s %13s %12s %7s %7s %6s %13s %10s  %s",
                "scenario", "jobs", "wait ms", "requeue ms", "recovered ms", "all ended s", "jobs/s", "failed",
                "pages", "site fetches", "cpu-s", "platform log");
        out.append(header).append('\n');
        for (Result r : results) {
            double rate = r.complete ? r.jobs / ((r.doneMs - r.waitMs) / 1000) : Double.NaN;
            out.append(String.format("%-8s %6d %9s %11s %13s %12s %7s %7d %6d %13s %10.1f  %s%n",
                    r.scenario, r.jobs, fmt(r.waitMs, 0), fmt(r.requeueMs, 0), fmt(r.recoveredMs, 0),
                    fmt(r.doneMs / 1000, 2), fmt(rate, 0), r.failed + r.unfinished, r.pages,
                    r.fetches + (r.fetchedTwice > 0 ? " (" + r.fetchedTwice + " twice)" : ""), r.platformCpu,
                    r.platformSays + (r.complete ? "" : "  NOT FINISHED")));
        }
        out.append("cpu-s: CPU the platform used from the trigger to the last job's end. failed: jobs that did not"
                + " succeed (or did not end). pages: pages stored. site fetches: page requests the site served for them.\n");
        out.append("cpu:      ").append(cpu).append('\n');
        if (!command.isEmpty()) {
            out.append("command: ").append(command).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format("%." + decimals + "f", v);
    }

    static double ms(long from, long to) {
        return from < 0 || to < 0 ? Double.NaN : (to - from) / 1e6;
    }

    // ---- target site ----------------------------------------------------------------------------------

    static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            int status = 200;
            String type = "text/html; charset=utf-8";
            byte[] body;
            if ("/page".equals(path) && query != null && query.startsWith("n=")) {
                String n = query.substring(2).replaceAll("[^0-9A-Za-z_-]", "");
                int dash = n.lastIndexOf('-');
                servedPerTag.computeIfAbsent(dash > 0 ? n.substring(0, dash) : n, k -> new AtomicLong()).incrementAndGet();
                servedPerPage.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                body = page(n).getBytes(StandardCharsets.UTF_8);
            } else if ("/robots.txt".equals(path)) {
                body = "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8);
                type = "text/plain; charset=utf-8";
            } else {
                status = 404;
                body = "not found\n".getBytes(StandardCharsets.UTF_8);
                type = "text/plain; charset=utf-8";
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** About 1 KB of HTML, like LoadGen's page. */
    static String page(String n) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Trawl recovery page %1$s</title>
                  <meta name="description" content="A small static page served by the Trawl recovery benchmark (page %1$s).">
                </head>
                <body>
                  <header><nav><a href="/">Home</a> | <a href="/about">About</a></nav></header>
                  <main>
                    <h1>Recovery page %1$s</h1>
                    <p>This job was made stale on purpose: the benchmark wrote it straight into PostgreSQL without
                       a stream entry, and the platform had to find it and put it back in the queue.</p>
                    <p>Trawl extracts the metadata, turns the body into markdown and lists the links.</p>
                    <ul>
                      <li><a href="/page?n=%1$s&amp;next=1">Next</a></li>
                      <li><a href="/articles/%1$s">Article %1$s</a></li>
                      <li><a href="/contact">Contact</a></li>
                    </ul>
                  </main>
                  <footer><p>&copy; Trawl bench. All requests stay on 127.0.0.1.</p></footer>
                </body>
                </html>
                """.formatted(n);
    }

    // ---- Redis: a minimal RESP2 client on 127.0.0.1 ----------------------------------------------------------

    record RespError(String message) {
    }

    static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final BufferedInputStream in;
        private final BufferedOutputStream out;

        Resp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
        }

        void send(String... args) throws IOException {
            StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
            for (String a : args) {
                b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }

        void flush() throws IOException {
            out.flush();
        }

        Object call(String... args) throws IOException {
            send(args);
            flush();
            return read();
        }

        Object read() throws IOException {
            int type = in.read();
            String line = line();
            return switch (type) {
                case '+' -> line;
                case '-' -> new RespError(line);
                case ':' -> Long.parseLong(line);
                case '$' -> {
                    int len = Integer.parseInt(line);
                    if (len < 0) {
                        yield null;
                    }
                    byte[] bytes = in.readNBytes(len);
                    in.readNBytes(2);
                    yield new String(bytes, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int len = Integer.parseInt(line);
                    if (len < 0) {
                        yield null;
                    }
                    List<Object> items = new ArrayList<>(len);
                    for (int i = 0; i < len; i++) {
                        items.add(read());
                    }
                    yield items;
                }
                case -1 -> throw new IOException("Redis closed the connection");
                default -> throw new IOException("unexpected RESP type '" + (char) type + "'");
            };
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c == -1) {
                    throw new IOException("Redis closed the connection");
                }
                b.append((char) c);
            }
            in.read();   // '\n'
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ---- CPU (Linux /proc) -------------------------------------------------------------------------------------

    /** utime + stime of a process, in clock ticks (0 if it cannot be read). */
    static long processTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Where the machine's CPU went during the run, to see whether something else was busy. */
    record CpuSnapshot(long busy, long total, long selfNanos, Map<Long, long[]> procs, Map<Long, String> names) {

        static CpuSnapshot take() {
            long busy = 0;
            long total = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
            } catch (IOException | RuntimeException e) {
                total = -1;
            }
            Map<Long, long[]> procs = new java.util.HashMap<>();
            Map<Long, String> names = new java.util.HashMap<>();
            try (var list = Files.list(Path.of("/proc"))) {
                for (Path dir : (Iterable<Path>) list::iterator) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(dir.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        String[] f = stat.substring(close + 2).trim().split("\\s+");
                        long pid = Long.parseLong(name);
                        procs.put(pid, new long[] {Long.parseLong(f[19]), Long.parseLong(f[11]) + Long.parseLong(f[12])});
                        names.put(pid, stat.substring(stat.indexOf('(') + 1, close));
                    } catch (IOException | RuntimeException e) {
                        // the process ended meanwhile
                    }
                }
            } catch (IOException e) {
                // no /proc
            }
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long self = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
            return new CpuSnapshot(busy, total, self, procs, names);
        }

        String describe(CpuSnapshot after, double seconds) {
            long selfPid = ProcessHandle.current().pid();
            double platform = 0;
            double postgres = 0;
            double redis = 0;
            double other = 0;
            Map<String, Double> others = new java.util.HashMap<>();
            for (var e : after.procs.entrySet()) {
                long pid = e.getKey();
                if (pid == selfPid) {
                    continue;
                }
                long[] b = procs.get(pid);
                long before = b != null && b[0] == e.getValue()[0] ? b[1] : 0;
                double v = Math.max(0, e.getValue()[1] - before) / (double) clockTicks;
                String comm = after.names.get(pid);
                if (pid == platformPid) {
                    platform += v;
                } else if (comm.startsWith("postgres")) {
                    postgres += v;
                } else if (comm.startsWith("redis-server")) {
                    redis += v;
                } else if (v > 0) {
                    other += v;
                    others.merge(comm, v, Double::sum);
                }
            }
            double self = selfNanos >= 0 && after.selfNanos >= 0 ? (after.selfNanos - selfNanos) / 1e9 : 0;
            StringBuilder out = new StringBuilder();
            double busySeconds = -1;
            if (total > 0 && after.total > total) {
                busySeconds = (after.busy - busy) / (double) clockTicks;
                out.append(String.format("machine %.0f%% busy (%.1f cpu-s in %.1f s, warm-up included): ",
                        100.0 * (after.busy - busy) / (after.total - total), busySeconds, seconds));
            }
            out.append(String.format("platform %.1f, bench + site %.1f, PostgreSQL %.1f, Redis %.1f, other processes %.1f",
                    platform, self, postgres, redis, other));
            if (busySeconds > 0) {
                double rest = Math.max(0, busySeconds - (platform + self + postgres + redis + other));
                out.append(String.format(", ended processes and kernel %.1f", rest));
                if (other + rest > 0.12 * busySeconds) {
                    String top = others.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                            .limit(3).map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                            .collect(java.util.stream.Collectors.joining(", "));
                    out.append(String.format("%n          WARNING: %.0f%% of the CPU went to other processes (%s): the machine"
                            + " was not quiet, so these times are longer than they should be",
                            100 * (other + rest) / busySeconds, top.isEmpty() ? "processes that ended or the kernel" : top));
                }
            }
            return out.toString();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A UUID version 7, like the platform's own job ids (time-ordered). */
    static UUID uuid7() {
        long high = (System.currentTimeMillis() << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
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
        System.err.println("recovery: " + message);
        System.exit(1);
    }

    static void parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                die("expected --name value pairs, got " + a + usage());
            }
            opts.put(a.substring(2), args[++i]);
        }
        try {
            for (var e : opts.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "api" -> api = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                    case "db" -> db = v;
                    case "prefix" -> prefix = v;
                    case "redis-port" -> redisPort = Integer.parseInt(v);
                    case "pg-port" -> pgPort = Integer.parseInt(v);
                    case "sizes" -> sizes = java.util.Arrays.stream(v.trim().split("[\\s,]+")).map(Integer::valueOf).toList();
                    case "scenarios" -> scenarios = List.of(v.trim().split("[\\s,]+"));
                    case "warmup" -> warmup = Integer.parseInt(v);
                    case "timeout" -> timeoutSeconds = Long.parseLong(v);
                    case "platform-log" -> platformLog = v;
                    case "platform-pid" -> platformPid = Long.parseLong(v);
                    case "clock-ticks" -> clockTicks = Long.parseLong(v);
                    case "env" -> environment = v;
                    case "settings" -> settings = v;
                    case "command" -> command = v;
                    default -> die("unknown option --" + e.getKey() + usage());
                }
            }
        } catch (NumberFormatException e) {
            die("bad number: " + e.getMessage() + usage());
        }
        String host = URI.create(api).getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
            die("--api must point at 127.0.0.1 (loopback only), got " + api);
        }
        if (!prefix.startsWith("trawl-bench")) {
            die("--prefix must be a bench prefix (trawl-bench...), got " + prefix + ": this program DELs <prefix>epoch");
        }
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1 || n > 100_000) || warmup < 0 || timeoutSeconds < 1) {
            die("sizes must be in [1, 100000], warmup >= 0, timeout >= 1" + usage());
        }
        for (String s : scenarios) {
            if (!List.of("rebuild", "reaper", "sweep").contains(s)) {
                die("scenarios are rebuild, reaper and sweep, got " + s + usage());
            }
        }
    }

    static String usage() {
        return "\nusage: java -cp postgresql.jar bench/Recovery.java [--api http://127.0.0.1:18080] [--db trawl_bench]"
                + " [--prefix trawl-bench:] [--sizes '100 1000 10000'] [--scenarios 'rebuild reaper sweep'] [--warmup 300]"
                + " [--timeout 120] [--platform-log FILE] [--platform-pid PID] [--clock-ticks 100] [--env TEXT]"
                + " [--settings TEXT] [--command TEXT]";
    }
}
