package dev.trawl.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Makes the real services ready for a test run: creates the test database if it is missing and
 * removes every Redis key under the test prefix, so each run starts clean and never touches
 * anything outside its own database and prefix.
 */
public class TestServices implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = envOr("TRAWL_TEST_DB", "trawl_test");
    public static final String KEY_PREFIX = envOr("TRAWL_TEST_PREFIX", "trawl-test:");

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public Map<String, String> start() {
        createDatabase();
        RedisCli.deleteByPrefix(KEY_PREFIX);
        return Map.of();
    }

    @Override
    public void stop() {}

    private static void createDatabase() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?");
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                c.createStatement().execute("CREATE DATABASE \"" + DATABASE + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on 127.0.0.1:5432 for the tests", e);
        }
    }
}
