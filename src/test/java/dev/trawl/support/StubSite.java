package dev.trawl.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A web site for the scraper to fetch, served by the JDK on 127.0.0.1 with a random port. */
public final class StubSite implements AutoCloseable {

    /** What a path answers. */
    public record Reply(
            int status, String contentType, byte[] body, Map<String, String> headers, CountDownLatch gate) {}

    private final HttpServer server;
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final Map<String, List<Reply>> sequences = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> lastHeaders = new ConcurrentHashMap<>();
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final ScheduledExecutorService answerLater = Executors.newSingleThreadScheduledExecutor();

    public StubSite() {
        this("127.0.0.1");
    }

    /** @param loopbackAddress any address of 127.0.0.0/8, so tests can tell sites apart by address */
    public StubSite(String loopbackAddress) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(loopbackAddress), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path;
    }

    public StubSite redirect(String path, String location) {
        return reply(path, new Reply(302, null, new byte[0], Map.of("Location", location), null));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public StubSite html(String path, String html) {
        return reply(
                path,
                new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), null));
    }

    /** The page answers only once the returned latch is counted down. */
    public CountDownLatch gatedHtml(String path, String html) {
        CountDownLatch gate = new CountDownLatch(1);
        reply(path, new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), gate));
        return gate;
    }

    public StubSite reply(String path, Reply reply) {
        sequences.remove(path);
        replies.put(path, reply);
        return this;
    }

    /** The n-th request to the path gets the n-th reply; the last one answers every later request. */
    public StubSite sequence(String path, Reply... inOrder) {
        replies.remove(path);
        hits.remove(path);
        sequences.put(path, List.of(inOrder));
        return this;
    }

    public static Reply status(int status) {
        return new Reply(status, null, new byte[0], Map.of(), null);
    }

    public static Reply page(String html) {
        return new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    /** The path takes this long to answer, like a slow site; the answer is sent from a timer, no thread waits. */
    public StubSite latency(String path, Duration latency) {
        latencies.put(path, latency);
        return this;
    }

    /** When each request to the path arrived, in {@link System#nanoTime()} of this JVM, oldest first. */
    public List<Long> arrivals(String path) {
        List<Long> times = arrivals.get(path);
        if (times == null) {
            return List.of();
        }
        synchronized (times) {
            return List.copyOf(times);
        }
    }

    /**
     * The most requests the site was serving at once: counted from arrival until the site starts
     * to answer, so it never exceeds what the client had in flight.
     */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The request headers of the last request for the path, names in lower case. */
    public Map<String, String> lastHeaders(String path) {
        return lastHeaders.getOrDefault(path, Map.of());
    }

    /** Every path requested so far with its count. */
    public Map<String, Integer> allHits() {
        Map<String, Integer> all = new java.util.TreeMap<>();
        hits.forEach((path, count) -> all.put(path, count.get()));
        return all;
    }

    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        lastHeaders.put(path, headers);
        List<Long> times = arrivals.computeIfAbsent(path, p -> new ArrayList<>());
        synchronized (times) {
            times.add(System.nanoTime());
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Duration latency = latencies.get(path);
        if (latency == null) {
            answer(exchange, path, hit);
        } else {
            answerLater.schedule(() -> answer(exchange, path, hit), latency.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void answer(HttpExchange exchange, String path, int hit) {
        List<Reply> sequence = sequences.get(path);
        Reply reply = sequence == null ? replies.get(path) : sequence.get(Math.min(hit, sequence.size()) - 1);
        try (exchange) {
            if (reply == null) {
                inFlight.decrementAndGet();
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (reply.gate() != null && !reply.gate().await(60, TimeUnit.SECONDS)) {
                inFlight.decrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            }
            inFlight.decrementAndGet();
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        answerLater.shutdownNow();
        server.stop(0);
    }
}
