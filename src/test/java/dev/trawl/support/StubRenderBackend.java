package dev.trawl.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Browserless-like render service on 127.0.0.1: {@code POST /content} with {@code {"url": …}}
 * answers {@code <html>… rendered <url> by <name> …</html>}, and 400 for anything but an http(s) URL. It can be stopped and started again
 * on the same port, answer 503, or hang until released.
 */
public final class StubRenderBackend implements AutoCloseable {

    public enum Mode {
        RENDER,
        UNAVAILABLE,
        HANG,
        HUGE
    }

    /** What {@link Mode#HUGE} answers: two megabytes of HTML, sent in chunks as a browser's dump would be. */
    public static final int HUGE_BYTES = 2 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final int port;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.RENDER);
    private final AtomicReference<JsonNode> lastBody = new AtomicReference<>();
    private final AtomicReference<String> lastQuery = new AtomicReference<>();
    private volatile CountDownLatch hang = new CountDownLatch(1);
    private volatile HttpServer server;
    private volatile ExecutorService executor;

    public StubRenderBackend(String name) {
        this.name = name;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
        start();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String name() {
        return name;
    }

    public int requests() {
        return requests.get();
    }

    public JsonNode lastBody() {
        return lastBody.get();
    }

    /** The query string of the last request, e.g. the {@code token=…} a configured base URL carries. */
    public String lastQuery() {
        return lastQuery.get();
    }

    public void mode(Mode next) {
        if (next != Mode.HANG) {
            hang.countDown();
            hang = new CountDownLatch(1);
        }
        mode.set(next);
    }

    public boolean running() {
        return server != null;
    }

    /** Closes the port and every open connection at once, as a crashed pod would. */
    public synchronized void stop() {
        if (server != null) {
            hang.countDown();
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** Serves again on the same port, as a restarted pod behind the same address would. */
    public synchronized void restart() {
        if (server == null) {
            // the old socket may take a moment to leave the port
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                server = bind(port);
                return true;
            });
            start();
        }
    }

    private static HttpServer bind(int port) {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/content", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            lastBody.set(body);
            lastQuery.set(exchange.getRequestURI().getRawQuery());
            Mode current = mode.get();
            if (current == Mode.HANG && !hang.await(60, TimeUnit.SECONDS)) {
                return;
            }
            if (current == Mode.UNAVAILABLE) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())
                    || body == null
                    || !body.path("url").asText().startsWith("http")) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            if (current == Mode.HUGE) {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = "<p>rendered</p>".repeat(1024).getBytes(StandardCharsets.UTF_8);
                for (int sent = 0; sent < HUGE_BYTES; sent += chunk.length) {
                    exchange.getResponseBody().write(chunk);
                }
                return;
            }
            byte[] html = ("<html><body><p id=\"rendered\">rendered "
                            + body.get("url").asText() + " by " + name + "</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
