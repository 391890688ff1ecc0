package dev.trawl.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/** Many identical submits at once, and the rows they left in the test database. */
public final class Submits {

    private Submits() {}

    /** Sends {@code count} identical POSTs released together; the answers in any order. */
    public static List<HttpResponse<String>> concurrently(
            int count, URI uri, String json, Map<String, String> headers) {
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, count)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> {
                                HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(json));
                                headers.forEach(request::header);
                                try {
                                    start.await();
                                    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            pool))
                    .toList();
            start.countDown();
            return answers.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Rows in {@code jobs} whose request is for this canonical URL. */
    public static int jobsFor(String url) {
        return Integer.parseInt(sql("SELECT count(*) FROM jobs WHERE request->>'url' = ?", url));
    }

    /** Runs one statement with text parameters in the test database; the first column of its first row, if any. */
    public static String sql(String statement, String... parameters) {
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/" + TestServices.DATABASE, "postgres", "")) {
            var prepared = c.prepareStatement(statement);
            for (int i = 0; i < parameters.length; i++) {
                prepared.setString(i + 1, parameters[i]);
            }
            if (!prepared.execute()) {
                return String.valueOf(prepared.getUpdateCount());
            }
            var rows = prepared.getResultSet();
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
