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

/**
 * A site's login endpoint on 127.0.0.1: every request to {@code /login/<name>} is a login that
 * answers {@code Set-Cookie: sid=<name>-<n>} (n counts the logins of that path), so each login
 * gives a cookie of its own. A path can be made slow (held on a latch) or broken (HTTP 500).
 */
public final class StubLogin implements AutoCloseable {

    /** What one login request carried. */
    public record Request(String method, String contentType, String body, Map<String, String> headers) {}

    private final HttpServer server;
    private final Map<String, AtomicInteger> logins = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, Request> lastRequests = new ConcurrentHashMap<>();
    private final Map<String, Boolean> broken = new ConcurrentHashMap<>();
    private final Map<String, String> cookieAttributes = new ConcurrentHashMap<>();

    public StubLogin() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/login/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Logins to the path wait for the returned latch (at most a minute). */
    public CountDownLatch hold(String path) {
        CountDownLatch gate = new CountDownLatch(1);
        gates.put(path, gate);
        return gate;
    }

    /** Logins to the path add these attributes to the session cookie, e.g. {@code "; Secure"}. */
    public void cookieAttributes(String path, String attributes) {
        cookieAttributes.put(path, attributes);
    }

    public void breakLogin(String path) {
        broken.put(path, true);
    }

    /** Requests that reached the path, finished or not. */
    public int logins(String path) {
        AtomicInteger count = logins.get(path);
        return count == null ? 0 : count.get();
    }

    public Request lastRequest(String path) {
        return lastRequests.get(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int n = logins.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            lastRequests.put(
                    path,
                    new Request(exchange.getRequestMethod(), headers.getOrDefault("content-type", ""), body, headers));
            CountDownLatch gate = gates.get(path);
            if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
                exchange.sendResponseHeaders(504, -1);
                return;
            }
            if (broken.getOrDefault(path, false)) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            String name = path.substring("/login/".length());
            exchange.getResponseHeaders().add("Set-Cookie", "stale=; Path=/; Max-Age=0");
            exchange.getResponseHeaders()
                    .add(
                            "Set-Cookie",
                            "sid=" + name + "-" + n + "; Path=/; HttpOnly" + cookieAttributes.getOrDefault(path, ""));
            exchange.getResponseHeaders().add("Location", "/account");
            exchange.sendResponseHeaders(302, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
