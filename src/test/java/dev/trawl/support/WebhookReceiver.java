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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver, served by the JDK on a loopback address with a random port: it records every
 * POST (headers in lower case, body) and answers each path with the statuses it was given, in turn
 * (the last one from then on), 200 if none, after an optional delay.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(String path, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<Integer>> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> lastStatus = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger delayMillis = new AtomicInteger();

    public WebhookReceiver() {
        this("127.0.0.1");
    }

    public WebhookReceiver(String loopbackAddress) {
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

    /** The path answers these statuses, one per request; the last one for every request after. */
    public WebhookReceiver answers(String path, Integer... statusesInTurn) {
        statuses.put(path, new ConcurrentLinkedQueue<>(List.of(statusesInTurn)));
        return this;
    }

    /** Every answer waits this long first. */
    public WebhookReceiver delay(Duration delay) {
        delayMillis.set((int) delay.toMillis());
        return this;
    }

    public List<Received> at(String path) {
        List<Received> at = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path)) {
                at.add(r);
            }
        }
        return at;
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int delay = delayMillis.get();
            if (delay > 0) {
                try {
                    Thread.sleep(delay); // the receiver is slow: what the platform must not wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(new Received(path, headers, body));
            ConcurrentLinkedQueue<Integer> queue = statuses.get(path);
            int status;
            synchronized (this) {
                Integer next = queue == null ? null : queue.poll();
                if (next != null) {
                    lastStatus.put(path, next);
                }
                status = next != null ? next : lastStatus.getOrDefault(path, 200);
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
