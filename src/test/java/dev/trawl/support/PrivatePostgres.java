package dev.trawl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own: initdb into a temporary directory (trust
 * authentication), started with pg_ctl on a free port of 127.0.0.1 and a socket directory of its
 * own, so a test may stop and restart it without touching the shared server on 5432. As root
 * every pg_ctl and initdb runs as the {@code postgres} user (PostgreSQL refuses to run as root),
 * and the directory is owned by it. Stopped and removed on close; its log is copied next to the
 * platform logs first.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path serverLog;
    private final Path keptLog;
    private final int port;
    private final Runnable killer;

    private PrivatePostgres(Path bin, Path dir, Path keptLog, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.serverLog = dir.resolve("postgres.log");
        this.keptLog = keptLog;
        this.port = port;
        this.killer = () -> runQuietly(pgCtl("stop", "-m", "immediate"));
        ChildProcesses.register(killer);
    }

    /** initdb, then start the cluster and wait until it accepts connections. */
    public static PrivatePostgres start(Path log) {
        Path bin = binDir();
        try {
            Path dir = Files.createTempDirectory("trawl-chaos-pg");
            if (ROOT) {
                run(List.of("chown", "postgres:postgres", dir.toString()), Duration.ofSeconds(10));
            }
            Files.createDirectories(log.getParent());
            PrivatePostgres postgres = new PrivatePostgres(bin, dir, log, FreePort.pick());
            run(
                    asPostgres(List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            postgres.data.toString(),
                            "-U",
                            "postgres",
                            "--auth=trust",
                            "--encoding=UTF8",
                            "--no-sync",
                            "--no-instructions")),
                    Duration.ofSeconds(120));
            postgres.start();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the PostgreSQL cluster", e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** For {@code quarkus.datasource.reactive.url}. */
    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    public void createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the (stopped) cluster and waits until it accepts connections. */
    public void start() {
        run(pgCtl("start", "-l", serverLog.toString(), "-o", serverOptions()), Duration.ofSeconds(90));
    }

    /** {@code pg_ctl stop -m fast}: sessions are ended, the server shuts down cleanly. */
    public void stop() {
        run(pgCtl("stop", "-m", "fast"), Duration.ofSeconds(90));
    }

    /** {@code pg_ctl restart -m fast}. */
    public void restart() {
        run(pgCtl("restart", "-m", "fast", "-l", serverLog.toString(), "-o", serverOptions()), Duration.ofSeconds(90));
    }

    private String serverOptions() {
        // fsync off: a test cluster on a shared machine; a fast stop still writes everything out
        return "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=100";
    }

    private List<String> pgCtl(String action, String... options) {
        List<String> command = new ArrayList<>(
                List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", action));
        command.addAll(List.of(options));
        return asPostgres(command);
    }

    @Override
    public void close() {
        runQuietly(pgCtl("stop", "-m", "fast"));
        ChildProcesses.unregister(killer);
        try {
            if (Files.exists(serverLog)) {
                Files.copy(serverLog, keptLog, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // the log is a help, not a result
        }
        Directories.deleteTree(dir);
    }

    private static List<String> asPostgres(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The PostgreSQL server binaries: {@code trawl.chaos.pg-bin}, else the newest /usr/lib/postgresql/N/bin. */
    private static Path binDir() {
        String configured = System.getProperty("trawl.chaos.pg-bin");
        if (configured != null) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException(
                            "No PostgreSQL server binaries under /usr/lib/postgresql;" + " set -Dtrawl.chaos.pg-bin"));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "No PostgreSQL server binaries under /usr/lib/postgresql; set -Dtrawl.chaos.pg-bin", e);
        }
    }

    private static void runQuietly(List<String> command) {
        try {
            run(command, Duration.ofSeconds(30));
        } catch (RuntimeException ignored) {
            // already stopped, or going away anyway
        }
    }

    /** Runs a command to its end (at most {@code bound}); its output, or an exception naming the command and the output. */
    private static String run(List<String> command, Duration bound) {
        Path output = null;
        try {
            // to a file, not a pipe: a server the command leaves running must not hold our reader open
            output = Files.createTempFile("trawl-chaos-cmd", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + bound);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed (" + process.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
