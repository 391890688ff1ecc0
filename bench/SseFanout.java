import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSE fan-out benchmark: a single-file JDK 17 program ({@code java bench/SseFanout.java}), started
 * by {@code bench/run.sh sse}.
 *
 * <ol>
 * <li>Serves a slow site on 127.0.0.1: {@code /j/N/0} links to {@code /j/N/1 .. /j/N/(pages-1)},
 *     every page answers after 0.5 to 1.5 times {@code --page-delay-ms} (uniform), so a crawl of it
 *     writes its events over seconds, and jobs started together drift apart.</li>
 * <li>Starts the worker process ({@code --worker-script}) and warms up: {@code --warmup-jobs} jobs
 *     of the same shape, ten times faster, each followed by {@code --per-job} connections (not
 *     measured; 0 for a cold run).</li>
 * <li>Takes the API pod's memory (heap used after a full GC, RSS), closes a gate at the site,
 *     submits {@code --jobs} crawl jobs ({@code maxPages=pages, maxDepth=1}), opens
 *     {@code --per-job} SSE connections per job, waits until every one has its replayed events,
 *     takes the memory again: the difference over the connections is the memory per connection.</li>
 * <li>Opens the gate: the crawls run, and every event is timed on arrival at every connection:
 *     latency = arrival - the event's {@code at} (taken by the worker just before its Redis write;
 *     same machine, same clock). A plain Redis subscriber times the same announcements, which
 *     shows what the API pod adds.</li>
 * <li>When every connection has its terminal event and the server closed it, checks each
 *     connection's ids against the job's stream in Redis (XRANGE): lost, duplicated, out of order.</li>
 * </ol>
 *
 * <p>The connections are one NIO selector on one thread with a small state machine per connection
 * (HTTP/1.1 response head, chunked body, SSE lines), so 10,000 of them cost a few MB and no thread
 * each, and a read is timed the moment the selector hands it over. It behaves like a browser's
 * EventSource: {@code Accept: text/event-stream}, {@code Last-Event-ID} on reconnect after a drop,
 * {@code retry:} honoured, a 204 ends it, another status is a failure. Everything is on 127.0.0.1.
 */
public class SseFanout {

    // ---- options ---------------------------------------------------------------------------
    static String api = "http://127.0.0.1:18080";
    static int jobs = 1000;
    static int perJob = 10;
    static int pages = 5;
    static long pageDelayMillis = 2000;
    static int connectWindow = 200;
    static int warmupJobs = 300;
    static long apiPid = -1;
    static String workerScript;
    static String workerLog = "worker.log";
    static String redisPrefix = "trawl-bench:";
    static long timeoutSeconds = 600;
    static long clockTicks = 100;
    static String environment = "";
    static String settings = "";

    static final Pattern AT = Pattern.compile("\"at\":\"([^\"]+)\"");
    static final List<String> TERMINAL = List.of("succeeded", "failed", "cancelled", "aborted");

    public static void main(String[] args) throws Exception {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // see LoadGen: no delayed-ACK stall
        }
        parseArgs(args);
        URI apiUri = URI.create(api);
        if (!"127.0.0.1".equals(apiUri.getHost()) && !"localhost".equals(apiUri.getHost())) {
            throw new IllegalArgumentException("--api must be on 127.0.0.1");
        }
        Process worker = null;
        Site site = new Site(pages, pageDelayMillis);
        int port = apiUri.getPort();
        int exitCode = 1;
        try {
            System.out.printf("site: http://127.0.0.1:%d/j/N/0 (%d pages per job, %d ms per page on average)%n", site.port(),
                    pages, pageDelayMillis);
            worker = startWorker();
            Process runningWorker = worker;
            // run.sh stops this program with SIGTERM on Ctrl-C or an error: the worker goes with it
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (runningWorker.isAlive()) {
                    runningWorker.destroyForcibly();
                }
            }));
            System.out.println("worker started: " + workerScript + " (pid " + worker.pid() + ", log " + workerLog + ")");
            if (warmupJobs > 0) {
                warmUp(port, site, runningWorker);
            }
            Memory before = Memory.of(apiPid);

            // The measured jobs' pages wait at the site until every connection is open: a job the
            // worker takes meanwhile writes "started" (replayed on connect), then waits for its first page.
            site.closeGate();
            List<String> ids = submit(site.port(), "j", jobs);
            Fanout fanout = new Fanout(port, ids, perJob, connectWindow);
            fanout.start();
            long openStart = System.nanoTime();
            await("every connection has its replayed event", () -> fanout.ready.get() >= fanout.total()
                    || fanout.failedConnections.get() > 0);
            long openMillis = (System.nanoTime() - openStart) / 1_000_000;
            if (fanout.failedConnections.get() > 0) {
                throw new IllegalStateException(fanout.failedConnections.get() + " connections failed while opening: "
                        + fanout.statuses);
            }
            System.out.printf("opened %d connections (%d per job) in %.1f s, each with its replayed event(s)%n",
                    fanout.total(), perJob, openMillis / 1000.0);
            Memory open = Memory.of(apiPid);
            Cpu cpuStart = Cpu.now(apiPid, worker.pid());

            Probe probe = new Probe(redisPrefix + "job:*:live");
            long runStart = System.currentTimeMillis();
            site.openGate();
            await("every connection saw its job's terminal event and was closed", () -> fanout.finished.get() >= fanout.total()
                    || !runningWorker.isAlive());
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker process exited with " + worker.exitValue());
            }
            long runMillis = System.currentTimeMillis() - runStart;
            Cpu cpuEnd = Cpu.now(apiPid, worker.pid());
            fanout.stop();
            probe.close();
            Memory after = Memory.of(apiPid);

            Verdict verdict = verify(ids, fanout);
            report(fanout, verdict, probe, before, open, after, runMillis, cpuStart, cpuEnd, site);
            exitCode = verdict.clean() && fanout.httpFailures() == 0 ? 0 : 1;
        } finally {
            // the worker first: with the site gone, its fetch connections would be reset under it
            if (worker != null) {
                stopWorker(worker);
            }
            site.close();
        }
        System.exit(exitCode);
    }

    /**
     * A smaller round of the same kind, not measured, so that the worker, the API pod and this
     * client run the measured round with their code compiled: a pod serves for days, and a cold
     * JVM's first seconds say little about its latency (the report shows the cold start per 10 s).
     */
    static void warmUp(int port, Site site, Process worker) throws Exception {
        long start = System.nanoTime();
        List<String> ids = submit(site.port(), "w", warmupJobs);
        Fanout fanout = new Fanout(port, ids, perJob, connectWindow);
        fanout.start();
        await("every warm-up connection saw its job's terminal event", () -> fanout.finished.get() >= fanout.total()
                || fanout.failedConnections.get() > 0 || !worker.isAlive());
        fanout.stop();
        if (fanout.failedConnections.get() > 0 || !worker.isAlive()) {
            throw new IllegalStateException("the warm-up failed: " + fanout.failedConnections.get() + " connections "
                    + fanout.statuses + (worker.isAlive() ? "" : ", the worker exited"));
        }
        long[] lat = Arrays.copyOf(fanout.latencies, fanout.latencyCount);
        Arrays.sort(lat);
        System.out.printf("warm-up: %d jobs x %d connections, pages at a tenth of the delay, %d live deliveries in %.1f s"
                + " (p50 %.1f ms, p99 %.1f ms, max %.1f ms; not counted below)%n", warmupJobs, perJob, lat.length,
                (System.nanoTime() - start) / 1e9, pct(lat, 50), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0);
    }

    // ---- phases ------------------------------------------------------------------------------

    /** {@code count} crawl jobs of the site's {@code /<path>/N/0}; their ids in N order. */
    static List<String> submit(int sitePort, String path, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        String[] ids = new String[count];
        Pattern idPattern = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> submits = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int job = n;
            submits.add(pool.submit(() -> {
                // timeoutSeconds: a first page may wait at the closed gate while the connections open
                String body = "{\"url\":\"http://127.0.0.1:" + sitePort + "/" + path + "/" + job + "/0\",\"formats\":[\"metadata\"],"
                        + "\"crawl\":{\"maxPages\":" + pages + ",\"maxDepth\":1},\"timeoutSeconds\":60,\"dedupe\":false}";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/jobs"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher id = idPattern.matcher(answer.body());
                if (answer.statusCode() != 202 || !id.find()) {
                    throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
                }
                ids[job] = id.group(1);
                return null;
            }));
        }
        for (var f : submits) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("submitted %d crawl jobs (/%s/N/0) in %.1f s%n", count, path, (System.nanoTime() - start) / 1e9);
        return Arrays.asList(ids);
    }

    static Process startWorker() throws IOException {
        return new ProcessBuilder("bash", workerScript).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(workerLog).toFile())).start();
    }

    static void stopWorker(Process worker) throws InterruptedException {
        if (!worker.isAlive()) {
            return;
        }
        worker.destroy(); // the script execs java: this is its SIGTERM
        if (!worker.waitFor(20, TimeUnit.SECONDS)) {
            worker.destroyForcibly();
            worker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    interface Condition {
        boolean met();
    }

    static void await(String what, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    // ---- the connections -----------------------------------------------------------------------

    /** Every SSE connection on one selector thread. Fields read by the main thread are atomic or volatile. */
    static final class Fanout {
        final int port;
        final List<String> jobIds;
        final int perJob;
        final int window;
        final Conn[] conns;
        final AtomicInteger ready = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger failedConnections = new AtomicInteger();
        final Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
        final byte[] bytes = new byte[256 * 1024];
        final ArrayDeque<Conn> toOpen = new ArrayDeque<>();
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean stopping;
        int handshaking;
        long[] latencies = new long[1 << 16];
        long[] arrivals = new long[1 << 16];
        String[] eventIds = new String[1 << 16];
        int[] connIndex = new int[1 << 16];
        int latencyCount;
        long replayed;
        long heartbeats;
        long reconnects;
        long bytesRead;
        final List<long[]> retries = new ArrayList<>(); // {due nanos, conn index}
        Selector selector;

        Fanout(int port, List<String> jobIds, int perJob, int window) {
            this.port = port;
            this.jobIds = jobIds;
            this.perJob = perJob;
            this.window = window;
            this.conns = new Conn[jobIds.size() * perJob];
            // interleaved, so the connections of one job are not opened back to back
            for (int k = 0; k < perJob; k++) {
                for (int j = 0; j < jobIds.size(); j++) {
                    Conn c = new Conn(k * jobIds.size() + j, j);
                    conns[c.index] = c;
                    toOpen.add(c);
                }
            }
        }

        int total() {
            return conns.length;
        }

        void start() {
            Thread loop = new Thread(this::run, "sse-selector");
            loop.setDaemon(true);
            loop.start();
        }

        int httpFailures() {
            return failedConnections.get();
        }

        void stop() {
            stopping = true;
            if (selector != null) {
                selector.wakeup();
            }
        }

        void run() {
            try (Selector sel = Selector.open()) {
                selector = sel;
                while (!stopping) {
                    openMore();
                    dueRetries();
                    sel.select(50);
                    // Every read of this pass is stamped with the moment the selector reported it ready:
                    // its bytes were there by then, and the time this thread then spends on the other
                    // connections of the pass is the client's, not the platform's.
                    long readyMicros = micros(Instant.now());
                    Iterator<SelectionKey> keys = sel.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isConnectable()) {
                                c.channel.finishConnect();
                                c.channel.write(ByteBuffer.wrap(c.request(this)));
                                key.interestOps(SelectionKey.OP_READ);
                            } else if (key.isReadable()) {
                                read(c, key, readyMicros);
                            }
                        } catch (IOException e) {
                            dropped(c, key);
                        }
                    }
                }
                for (SelectionKey key : sel.keys()) {
                    key.channel().close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void openMore() throws IOException {
            while (handshaking < window && !toOpen.isEmpty()) {
                Conn c = toOpen.poll();
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                c.reset(ch);
                handshaking++;
                if (ch.connect(new InetSocketAddress("127.0.0.1", port))) {
                    ch.write(ByteBuffer.wrap(c.request(this)));
                    ch.register(selector, SelectionKey.OP_READ, c);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            }
        }

        private void dueRetries() throws IOException {
            long now = System.nanoTime();
            for (Iterator<long[]> it = retries.iterator(); it.hasNext(); ) {
                long[] retry = it.next();
                if (retry[0] <= now) {
                    it.remove();
                    toOpen.addFirst(conns[(int) retry[1]]);
                }
            }
        }

        private void read(Conn c, SelectionKey key, long arrivedMicros) throws IOException {
            readBuffer.clear();
            int n = c.channel.read(readBuffer);
            if (n < 0) {
                dropped(c, key);
                return;
            }
            bytesRead += n;
            readBuffer.flip();
            readBuffer.get(bytes, 0, n);
            c.feed(this, bytes, n, arrivedMicros);
            if (c.done) {
                key.cancel();
                c.channel.close();
            } else if (c.phase == 4) {
                dropped(c, key); // the stream ended before its terminal event
            }
        }

        /** The server closed (or reset) the connection. */
        private void dropped(Conn c, SelectionKey key) throws IOException {
            key.cancel();
            c.channel.close();
            if (c.done) {
                return;
            }
            if (c.awaitingFirstEvent) {
                handshaking--;
                c.awaitingFirstEvent = false;
            }
            if (c.terminalSeen || c.status == 204) {
                finish(c);
            } else if (c.status == 0 || c.status == 200) {
                // as an EventSource does: come back after the retry time, with the last id seen
                reconnects++;
                c.reconnects++;
                retries.add(new long[] {System.nanoTime() + c.retryMillis * 1_000_000L, c.index});
            } else {
                fail(c);
            }
        }

        void finish(Conn c) {
            if (c.awaitingFirstEvent) {
                c.awaitingFirstEvent = false;
                handshaking--;
            }
            if (!c.done) {
                c.done = true;
                finished.incrementAndGet();
            }
        }

        void fail(Conn c) {
            statuses.merge(c.status, 1, Integer::sum);
            failedConnections.incrementAndGet();
            finish(c);
        }

        void firstEvent(Conn c) {
            if (c.awaitingFirstEvent) {
                c.awaitingFirstEvent = false;
                handshaking--;
                if (!c.wasReady) {
                    c.wasReady = true;
                    ready.incrementAndGet();
                }
            }
        }

        void latency(Conn c, String eventId, long arrivedMicros, long micros) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
                arrivals = Arrays.copyOf(arrivals, arrivals.length * 2);
                eventIds = Arrays.copyOf(eventIds, eventIds.length * 2);
                connIndex = Arrays.copyOf(connIndex, connIndex.length * 2);
            }
            arrivals[latencyCount] = arrivedMicros;
            eventIds[latencyCount] = eventId;
            connIndex[latencyCount] = c.index;
            latencies[latencyCount++] = micros;
        }
    }

    /** One EventSource: HTTP/1.1 response head, chunked body, SSE lines. Touched by the selector thread only. */
    static final class Conn {
        final int index;
        final int job;
        SocketChannel channel;
        int status;
        boolean chunked;
        boolean done;
        boolean terminalSeen;
        boolean awaitingFirstEvent;
        boolean wasReady;
        int reconnects;
        long retryMillis = 1000;
        long headersAtMicros;
        String lastId;
        final List<String> ids = new ArrayList<>(8);
        // parsing state
        int phase; // 0 head, 1 chunk size, 2 chunk data, 3 chunk CRLF, 5 after the last chunk, 4 body ended
        final StringBuilder head = new StringBuilder();
        long chunkLeft;
        final StringBuilder chunkSize = new StringBuilder();
        byte[] line = new byte[128];
        int lineLength;
        String eventId;
        String eventType;
        StringBuilder data;

        Conn(int index, int job) {
            this.index = index;
            this.job = job;
        }

        void reset(SocketChannel ch) {
            channel = ch;
            status = 0;
            chunked = false;
            phase = 0;
            head.setLength(0);
            chunkSize.setLength(0);
            lineLength = 0;
            eventId = null;
            eventType = null;
            data = null;
            awaitingFirstEvent = true;
        }

        byte[] request(Fanout f) {
            return ("GET /v1/jobs/" + f.jobIds.get(job) + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + f.port + "\r\n"
                    + "Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
                    + (lastId == null ? "" : "Last-Event-ID: " + lastId + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        void feed(Fanout f, byte[] b, int n, long arrivedMicros) {
            int i = 0;
            while (i < n && !done) {
                switch (phase) {
                    case 0 -> {
                        char ch = (char) (b[i++] & 0xff);
                        head.append(ch);
                        int len = head.length();
                        if (len >= 4 && head.charAt(len - 1) == '\n' && head.charAt(len - 2) == '\r'
                                && head.charAt(len - 3) == '\n' && head.charAt(len - 4) == '\r') {
                            headEnded(f, arrivedMicros);
                        }
                    }
                    case 1 -> {
                        char ch = (char) (b[i++] & 0xff);
                        if (ch == '\n') {
                            String size = chunkSize.toString().trim();
                            int semi = size.indexOf(';');
                            chunkLeft = Long.parseLong(semi < 0 ? size : size.substring(0, semi), 16);
                            chunkSize.setLength(0);
                            phase = chunkLeft == 0 ? 5 : 2;
                        } else if (ch != '\r') {
                            chunkSize.append(ch);
                        }
                    }
                    case 2 -> {
                        int take = (int) Math.min(chunkLeft, n - i);
                        sse(f, b, i, take, arrivedMicros);
                        i += take;
                        chunkLeft -= take;
                        if (chunkLeft == 0) {
                            phase = 3;
                        }
                    }
                    case 3 -> {
                        if (b[i++] == '\n') {
                            phase = 1;
                        }
                    }
                    case 5 -> {
                        // the empty line after the last chunk: read it before closing, so that the
                        // close is a FIN, not a reset over unread bytes
                        if (b[i++] == '\n') {
                            phase = 4;
                            bodyEnded(f);
                        }
                    }
                    default -> i = n; // after the last chunk: nothing more is expected
                }
            }
        }

        private void headEnded(Fanout f, long arrivedMicros) {
            String text = head.toString();
            status = Integer.parseInt(text.substring(9, 12));
            chunked = text.toLowerCase().contains("transfer-encoding: chunked");
            headersAtMicros = arrivedMicros;
            if (status == 204) {
                f.finish(this);
                done = true;
                return;
            }
            if (status != 200 || !chunked) {
                f.fail(this);
                done = true;
                return;
            }
            phase = 1;
        }

        /** The last chunk: finished if the terminal event came, else the selector loop reconnects it. */
        private void bodyEnded(Fanout f) {
            if (terminalSeen) {
                f.finish(this);
            }
        }

        private void sse(Fanout f, byte[] b, int from, int count, long arrivedMicros) {
            for (int i = from; i < from + count; i++) {
                byte c = b[i];
                if (c == '\n') {
                    int len = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                    line(f, new String(line, 0, len, StandardCharsets.UTF_8), arrivedMicros);
                    lineLength = 0;
                } else {
                    if (lineLength == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLength++] = c;
                }
            }
        }

        private void line(Fanout f, String text, long arrivedMicros) {
            if (text.isEmpty()) {
                if (data != null) {
                    dispatch(f, arrivedMicros);
                }
                eventId = null;
                eventType = null;
                data = null;
                return;
            }
            if (text.charAt(0) == ':') {
                f.heartbeats++;
                return;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> eventId = value;
                case "event" -> eventType = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retryMillis = Long.parseLong(value.trim());
                default -> { }
            }
        }

        private void dispatch(Fanout f, long arrivedMicros) {
            if (eventId != null) {
                lastId = eventId;
            }
            ids.add(eventId);
            String at = at(data);
            if (at != null) {
                long atMicros = micros(Instant.parse(at));
                if (atMicros >= headersAtMicros) {
                    f.latency(this, eventId, arrivedMicros, arrivedMicros - atMicros);
                } else {
                    f.replayed++; // written before this connection was open: a replay, not live delivery
                }
            }
            if (eventType != null && TERMINAL.contains(eventType)) {
                terminalSeen = true;
            }
            f.firstEvent(this);
        }
    }

    /** The event's "at" member, without a regular expression: the client should cost little per event. */
    static String at(CharSequence json) {
        String text = json.toString();
        int start = text.indexOf("\"at\":\"");
        if (start < 0) {
            return null;
        }
        start += 6;
        int end = text.indexOf('"', start);
        return end < 0 ? null : text.substring(start, end);
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    // ---- verification against the log in Redis ------------------------------------------------

    record Verdict(int jobs, long expectedEvents, long lost, long duplicated, long outOfOrder, long extra,
            int withoutTerminal, int connectionsWithProblems, List<String> samples) {
        boolean clean() {
            return lost == 0 && duplicated == 0 && outOfOrder == 0 && extra == 0 && withoutTerminal == 0;
        }
    }

    static Verdict verify(List<String> ids, Fanout f) throws IOException {
        long expected = 0;
        long lost = 0;
        long dup = 0;
        long order = 0;
        long extra = 0;
        int noTerminal = 0;
        int bad = 0;
        List<String> samples = new ArrayList<>();
        try (Resp redis = new Resp("127.0.0.1", 6379)) {
            for (int j = 0; j < ids.size(); j++) {
                List<String> log = redis.xrangeIds(redisPrefix + "job:" + ids.get(j) + ":events");
                for (int k = 0; k < f.perJob; k++) {
                    Conn c = f.conns[k * ids.size() + j];
                    expected += log.size();
                    List<String> got = c.ids;
                    Map<String, Integer> seen = new HashMap<>();
                    for (String id : got) {
                        seen.merge(id, 1, Integer::sum);
                    }
                    long cLost = log.stream().filter(id -> !seen.containsKey(id)).count();
                    long cDup = seen.values().stream().mapToLong(v -> v - 1).sum();
                    long cExtra = seen.keySet().stream().filter(id -> !log.contains(id)).count();
                    long cOrder = 0;
                    for (int i = 1; i < got.size(); i++) {
                        if (compareIds(got.get(i), got.get(i - 1)) <= 0) {
                            cOrder++;
                        }
                    }
                    lost += cLost;
                    dup += cDup;
                    extra += cExtra;
                    order += cOrder;
                    if (!c.terminalSeen) {
                        noTerminal++;
                    }
                    if (cLost + cDup + cExtra + cOrder > 0 || !c.terminalSeen) {
                        bad++;
                        if (samples.size() < 5) {
                            samples.add("job " + ids.get(j) + " connection " + k + ": log " + log + ", got " + got);
                        }
                    }
                }
            }
        }
        return new Verdict(ids.size(), expected, lost, dup, order, extra, noTerminal, bad, samples);
    }

    static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    /** Just enough RESP for XRANGE. */
    static final class Resp implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Resp(String host, int port) throws IOException {
            socket = new Socket(host, port);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        List<String> xrangeIds(String key) throws IOException {
            send("XRANGE", key, "-", "+");
            Object reply = read();
            List<String> ids = new ArrayList<>();
            for (Object entry : (List<?>) reply) {
                ids.add((String) ((List<?>) entry).get(0));
            }
            return ids;
        }

        void send(String... parts) throws IOException {
            StringBuilder cmd = new StringBuilder("*" + parts.length + "\r\n");
            for (String p : parts) {
                cmd.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
            }
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        Object read() throws IOException {
            int type = in.read();
            String line = readLine();
            switch (type) {
                case '+', ':' -> {
                    return line;
                }
                case '-' -> throw new IOException("Redis: " + line);
                case '$' -> {
                    int len = Integer.parseInt(line);
                    if (len < 0) {
                        return null;
                    }
                    byte[] b = in.readNBytes(len);
                    readLine();
                    return new String(b, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int len = Integer.parseInt(line);
                    List<Object> items = new ArrayList<>(Math.max(0, len));
                    for (int i = 0; i < len; i++) {
                        items.add(read());
                    }
                    return items;
                }
                default -> throw new IOException("unexpected RESP type " + type);
            }
        }

        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) {
                    throw new IOException("Redis closed the connection");
                }
                sb.append((char) c);
            }
            in.read();
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A plain subscriber to every job's channel (PSUBSCRIBE), timing each announcement the way the
     * connections time events: it shows how much of the latency is spent before the API pod.
     */
    static final class Probe implements AutoCloseable {
        final Resp redis;
        final Thread reader;
        long[] latencies = new long[1 << 14];
        long[] arrivals = new long[1 << 14];
        final Map<String, Long> arrivedById = new HashMap<>();
        int count;
        volatile boolean closing;

        Probe(String pattern) throws IOException {
            redis = new Resp("127.0.0.1", 6379);
            redis.send("PSUBSCRIBE", pattern);
            redis.read(); // the confirmation
            reader = new Thread(this::read, "pubsub-probe");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try {
                while (!closing) {
                    List<?> message = (List<?>) redis.read(); // pmessage, pattern, channel, payload
                    long arrived = micros(Instant.now());
                    String payload = (String) message.get(3);
                    Matcher at = AT.matcher(payload);
                    if (at.find()) {
                        synchronized (this) {
                            arrivedById.put(payload.substring(0, payload.indexOf('\n')), arrived);
                            if (count == latencies.length) {
                                latencies = Arrays.copyOf(latencies, count * 2);
                                arrivals = Arrays.copyOf(arrivals, count * 2);
                            }
                            arrivals[count] = arrived;
                            latencies[count++] = arrived - micros(Instant.parse(at.group(1)));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed
            }
        }

        synchronized long[][] timeline() {
            return new long[][] {Arrays.copyOf(arrivals, count), Arrays.copyOf(latencies, count)};
        }

        synchronized long[] latencies() {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return sorted;
        }

        @Override
        public void close() throws IOException {
            closing = true;
            redis.close();
        }
    }

    // ---- the slow site ------------------------------------------------------------------------------

    static final class Site implements AutoCloseable {
        final HttpServer server;
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final AtomicInteger served = new AtomicInteger();

        Site(int pages, long delayMillis) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/robots.txt", ex -> respond(ex, 200, "text/plain", "User-agent: *\nAllow: /\n"));
            server.createContext("/j/", ex -> page(ex, pages, delayMillis, true));
            server.createContext("/w/", ex -> page(ex, pages, Math.max(1, delayMillis / 10), false));
            server.start();
        }

        private final List<Runnable> held = new ArrayList<>();
        private boolean gated;

        private void page(HttpExchange ex, int pages, long delayMillis, boolean gatable) {
            String[] parts = ex.getRequestURI().getPath().split("/"); // "", "j", N, K
            if (parts.length != 4) {
                respond(ex, 404, "text/plain", "no such page");
                return;
            }
            StringBuilder html = new StringBuilder("<html><head><title>job " + parts[2] + " page " + parts[3]
                    + "</title></head><body><h1>Page " + parts[3] + "</h1>");
            if ("0".equals(parts[3])) {
                for (int k = 1; k < pages; k++) {
                    html.append("<a href=\"/").append(parts[1]).append('/').append(parts[2]).append('/').append(k)
                            .append("\">page ").append(k).append("</a> ");
                }
            }
            html.append("</body></html>");
            // answered later from the timer, so a slow page holds no thread; the delay varies
            // (0.5 to 1.5 times the mean), as a real site's does, so the jobs a worker started
            // together do not write their events in lock-step for the whole run
            long delay = delayMillis / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(delayMillis + 1);
            Runnable answer = () -> timer.schedule(() -> respond(ex, 200, "text/html; charset=utf-8", html.toString()),
                    delay, TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (gatable && gated) {
                    held.add(answer);
                    return;
                }
            }
            answer.run();
        }

        synchronized void closeGate() {
            gated = true;
        }

        /** Pages asked for while the gate was closed get their delay from now. */
        synchronized void openGate() {
            gated = false;
            held.forEach(Runnable::run);
            held.clear();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void respond(HttpExchange ex, int status, String type, String body) {
            try (ex) {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", type);
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
                served.incrementAndGet();
            } catch (IOException e) {
                // the crawler gave up on this page; it records that itself
            }
        }

        @Override
        public void close() {
            server.stop(0);
            timer.shutdownNow();
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    // ---- memory and CPU of the API pod -----------------------------------------------------------

    record Memory(long heapUsedKb, long rssKb) {
        static Memory of(long pid) throws IOException, InterruptedException {
            if (pid <= 0) {
                return new Memory(-1, -1);
            }
            jcmd(pid, "GC.run");
            String info = jcmd(pid, "GC.heap_info");
            Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
            long heap = used.find() ? Long.parseLong(used.group(1)) : -1;
            long rss = -1;
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
            return new Memory(heap, rss);
        }

        static String jcmd(long pid, String what) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), what).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + what + " failed: " + out);
            }
            return out;
        }
    }

    /** CPU seconds of the API pod, the worker, this program and the whole machine, from /proc. */
    record Cpu(long api, long worker, long self, long machine) {
        static Cpu now(long apiPid) throws IOException {
            return now(apiPid, -1);
        }

        static Cpu now(long apiPid, long workerPid) throws IOException {
            return new Cpu(ticks(apiPid), ticks(workerPid), ticks(ProcessHandle.current().pid()), machineTicks());
        }

        static long ticks(long pid) {
            if (pid <= 0) {
                return 0;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                return 0;
            }
        }

        static long machineTicks() throws IOException {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        }
    }

    // ---- report -------------------------------------------------------------------------------------

    static void report(Fanout f, Verdict v, Probe probe, Memory before, Memory open, Memory after, long runMillis, Cpu start, Cpu end,
            Site site) {
        long[] lat = Arrays.copyOf(f.latencies, f.latencyCount);
        Arrays.sort(lat);
        System.out.println();
        System.out.println("Trawl SSE fan-out benchmark (" + environment + ")");
        System.out.println(settings);
        System.out.printf("connections: %d (%d jobs x %d), opened at most %d at a time; reconnects %d; failed %d%s%n",
                f.total(), jobs, perJob, connectWindow, f.reconnects, f.failedConnections.get(),
                f.statuses.isEmpty() ? "" : " " + f.statuses);
        System.out.printf("events:      %d live deliveries in %.1f s (%.0f/s) after the gate opened, %d replayed on connect;"
                + " %d heartbeats; %.1f MB read%n", lat.length, runMillis / 1000.0, lat.length * 1000.0 / runMillis,
                f.replayed, f.heartbeats, f.bytesRead / 1e6);
        if (lat.length > 0) {
            System.out.printf("latency:     p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms"
                    + "  (arrival - the event's \"at\"; target p99 <= 50 ms)%n", pct(lat, 50), pct(lat, 95), pct(lat, 99),
                    pct(lat, 99.9), lat[lat.length - 1] / 1000.0);
        }
        long[] pub = probe.latencies();
        if (pub.length > 0) {
            System.out.printf("  of which:  the announcement reaches a plain Redis subscriber (worker -> Redis -> subscriber, no API pod):"
                    + " p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms (%d events)%n", pct(pub, 50), pct(pub, 95),
                    pct(pub, 99), pub[pub.length - 1] / 1000.0, pub.length);
        }
        long startMicros = f.latencyCount == 0 ? 0 : Arrays.stream(f.arrivals, 0, f.latencyCount).min().getAsLong();
        long[][] probeTimeline = probe.timeline();
        long[] added = new long[f.latencyCount];
        int addedCount = 0;
        Map<String, int[]> slowByEvent = new HashMap<>();
        synchronized (probe) {
            for (int i = 0; i < f.latencyCount; i++) {
                Long atSubscriber = probe.arrivedById.get(f.eventIds[i]);
                if (atSubscriber != null) {
                    long extra = f.arrivals[i] - atSubscriber;
                    added[addedCount++] = extra;
                    int[] counts = slowByEvent.computeIfAbsent(f.eventIds[i], k -> new int[2]);
                    counts[extra > 20_000 ? 1 : 0]++;
                }
            }
        }
        added = Arrays.copyOf(added, addedCount);
        Arrays.sort(added);
        if (addedCount > 0) {
            int[] spread = new int[f.perJob + 1];
            slowByEvent.values().forEach(c -> spread[Math.min(f.perJob, c[1])]++);
            System.out.printf("  added by the API pod (arrival - arrival at the plain subscriber): p50 %.1f ms  p95 %.1f ms  p99 %.1f ms"
                    + "  max %.1f ms; events by how many of their deliveries came > 20 ms after the subscriber's: %s%n",
                    pct(added, 50), pct(added, 95), pct(added, 99), added[addedCount - 1] / 1000.0, Arrays.toString(spread));
        }
        System.out.println("  by 10 s from the first live delivery (SSE deliveries | plain subscriber; live deliveries while"
                + " the connections open are events of jobs the worker took meanwhile):");
        long lastMicros = f.latencyCount == 0 ? 0 : Arrays.stream(f.arrivals, 0, f.latencyCount).max().getAsLong();
        for (int w = 0; startMicros + w * 10_000_000L <= lastMicros; w++) {
            long from = startMicros + w * 10_000_000L;
            long to = from + 10_000_000L;
            long[] sse = window(f.arrivals, f.latencies, f.latencyCount, from, to);
            long[] sub = window(probeTimeline[0], probeTimeline[1], probeTimeline[0].length, from, to);
            if (sse.length == 0 && sub.length == 0) {
                continue;
            }
            System.out.printf("    %3d-%3d s: %6d events p50 %6.1f p99 %6.1f max %6.1f ms | %5d p50 %6.1f p99 %6.1f max %6.1f ms%n",
                    w * 10, w * 10 + 10, sse.length, pct(sse, 50), pct(sse, 99), sse.length == 0 ? 0 : sse[sse.length - 1] / 1000.0,
                    sub.length, pct(sub, 50), pct(sub, 99), sub.length == 0 ? 0 : sub[sub.length - 1] / 1000.0);
        }
        System.out.printf("delivery:    %d events expected (the log of each job, per connection): lost %d, duplicated %d,"
                + " out of order %d, not in the log %d; connections without the terminal event %d%s%n", v.expectedEvents(),
                v.lost(), v.duplicated(), v.outOfOrder(), v.extra(), v.withoutTerminal(),
                v.clean() ? " -> every connection saw exactly its job's log, in order" : "");
        v.samples().forEach(s -> System.out.println("             " + s));
        if (before.heapUsedKb() >= 0) {
            double heapPer = (open.heapUsedKb() - before.heapUsedKb()) * 1024.0 / f.total();
            double rssPer = (open.rssKb() - before.rssKb()) * 1024.0 / f.total();
            System.out.printf("memory:      API pod heap used after a full GC %.1f MB without connections, %.1f MB with %d open"
                    + " (%.1f MB after they closed); RSS %.0f MB, %.0f MB (%.0f MB)%n", before.heapUsedKb() / 1024.0,
                    open.heapUsedKb() / 1024.0, f.total(), after.heapUsedKb() / 1024.0, before.rssKb() / 1024.0,
                    open.rssKb() / 1024.0, after.rssKb() / 1024.0);
            System.out.printf("per connection: %.1f KB heap, %.1f KB RSS%n", heapPer / 1024, rssPer / 1024);
        }
        double seconds = runMillis / 1000.0;
        System.out.printf("cpu:         during the run (%.1f s): API pod %.1f s, worker %.1f s, this client and its site %.1f s,"
                + " machine %.0f%% busy (%.1f cpu-s); site pages served %d%n", seconds,
                (end.api() - start.api()) / (double) clockTicks, (end.worker() - start.worker()) / (double) clockTicks,
                (end.self() - start.self()) / (double) clockTicks,
                100.0 * (end.machine() - start.machine()) / clockTicks / Runtime.getRuntime().availableProcessors()
                        / (seconds + 0.0),
                (end.machine() - start.machine()) / (double) clockTicks, site.served.get());
    }

    /** The latencies of the events that arrived in [from, to), sorted. */
    static long[] window(long[] arrivals, long[] latencies, int count, long from, long to) {
        long[] in = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (arrivals[i] >= from && arrivals[i] < to) {
                in[n++] = latencies[i];
            }
        }
        long[] sorted = Arrays.copyOf(in, n);
        Arrays.sort(sorted);
        return sorted;
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }

    static void parseArgs(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        api = opts.getOrDefault("--api", api);
        jobs = Integer.parseInt(opts.getOrDefault("--jobs", "" + jobs));
        perJob = Integer.parseInt(opts.getOrDefault("--per-job", "" + perJob));
        pages = Integer.parseInt(opts.getOrDefault("--pages", "" + pages));
        pageDelayMillis = Long.parseLong(opts.getOrDefault("--page-delay-ms", "" + pageDelayMillis));
        connectWindow = Integer.parseInt(opts.getOrDefault("--connect-window", "" + connectWindow));
        warmupJobs = Integer.parseInt(opts.getOrDefault("--warmup-jobs", "" + warmupJobs));
        apiPid = Long.parseLong(opts.getOrDefault("--api-pid", "" + apiPid));
        workerScript = opts.get("--worker-script");
        workerLog = opts.getOrDefault("--worker-log", workerLog);
        redisPrefix = opts.getOrDefault("--redis-prefix", redisPrefix);
        timeoutSeconds = Long.parseLong(opts.getOrDefault("--timeout", "" + timeoutSeconds));
        clockTicks = Long.parseLong(opts.getOrDefault("--clock-ticks", "" + clockTicks));
        environment = opts.getOrDefault("--env", environment);
        settings = opts.getOrDefault("--settings", settings);
        if (workerScript == null) {
            throw new IllegalArgumentException("--worker-script is required (a bash script that execs the worker)");
        }
    }
}
