package dev.trawl.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A web site for the scraper to fetch, served by the JDK on 127.0.0.1 with a random port. */
public final class StubSite implements AutoCloseable {

    /** What a path answers. */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers, CountDownLatch gate) {
    }

    private final HttpServer server;
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> lastHeaders = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

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
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    public StubSite redirect(String path, String location) {
        return reply(path, new Reply(302, null, new byte[0], Map.of("Location", location), null));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public StubSite html(String path, String html) {
        return reply(path, new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), null));
    }

    /** The page answers only once the returned latch is counted down. */
    public CountDownLatch gatedHtml(String path, String html) {
        CountDownLatch gate = new CountDownLatch(1);
        reply(path, new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(), gate));
        return gate;
    }

    public StubSite reply(String path, Reply reply) {
        replies.put(path, reply);
        return this;
    }

    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        lastHeaders.put(path, headers);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Reply reply = replies.get(path);
        try (exchange) {
            if (reply == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (reply.gate() != null && !reply.gate().await(60, TimeUnit.SECONDS)) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            }
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The request headers of the last request for the path, names in lower case. */
    public Map<String, String> lastHeaders(String path) {
        return lastHeaders.getOrDefault(path, Map.of());
    }

    /** The most requests this site has served at the same moment. */
    public int maxConcurrent() {
        return maxInFlight.get();
    }

    /** Every path requested so far with its count. */
    public Map<String, Integer> allHits() {
        Map<String, Integer> all = new java.util.TreeMap<>();
        hits.forEach((path, count) -> all.put(path, count.get()));
        return all;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
