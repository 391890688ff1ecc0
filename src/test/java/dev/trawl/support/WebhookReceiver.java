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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final ScheduledExecutorService answering = Executors.newSingleThreadScheduledExecutor();

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
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(path, headers, body);
        int delay = delayMillis.get();
        if (delay > 0) {
            // a slow receiver, what the platform must not wait on: the answer is scheduled, no thread waits
            answering.schedule(() -> answer(exchange, request), delay, TimeUnit.MILLISECONDS);
        } else {
            answer(exchange, request);
        }
    }

    private void answer(HttpExchange exchange, Received request) {
        try (exchange) {
            received.add(request);
            ConcurrentLinkedQueue<Integer> queue = statuses.get(request.path());
            int status;
            synchronized (this) {
                Integer next = queue == null ? null : queue.poll();
                if (next != null) {
                    lastStatus.put(request.path(), next);
                }
                status = next != null ? next : lastStatus.getOrDefault(request.path(), 200);
            }
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            // the sender gave up waiting (its timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        answering.shutdownNow();
        server.stop(0);
    }
}
