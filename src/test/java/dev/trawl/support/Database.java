package dev.trawl.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Plain JDBC reads of a platform's database, independent of the code under test. */
public final class Database {

    private final String jdbcUrl;

    public Database(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** A database of the given name on the shared PostgreSQL at 127.0.0.1:5432. */
    public static Database shared(String name) {
        return new Database("jdbc:postgresql://127.0.0.1:5432/" + name);
    }

    /** Drops (cutting off its sessions) and creates the database on the shared PostgreSQL. */
    public static Database recreateShared(String name) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            c.createStatement().execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on 127.0.0.1:5432 for the tests", e);
        }
        return shared(name);
    }

    /** Runs a statement that returns no rows (a fixture's INSERT). */
    public void execute(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as a long. */
    public long number(String sql) {
        return query(sql, rows -> {
            rows.next();
            return rows.getLong(1);
        });
    }

    /** A two-column result (key, count) as a sorted map. */
    public Map<String, Long> counts(String sql) {
        return query(sql, rows -> {
            Map<String, Long> counts = new TreeMap<>();
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
            return counts;
        });
    }

    /** The first column of every row. */
    public List<String> column(String sql) {
        return query(sql, rows -> {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        });
    }

    private interface Reader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, Reader<T> reader) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
                ResultSet rows = c.createStatement().executeQuery(sql)) {
            return reader.read(rows);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
