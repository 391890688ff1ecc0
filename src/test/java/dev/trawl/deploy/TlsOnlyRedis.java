package dev.trawl.deploy;

import static org.awaitility.Awaitility.await;

import dev.trawl.support.FreePort;
import dev.trawl.support.RedisCli;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A redis-server of the test's own that speaks only TLS (no plain port) on a free port of
 * 127.0.0.1, with a CA and a server certificate (for localhost and 127.0.0.1) made by openssl at
 * start in target/. The platform is given it as an operator would: a {@code rediss://} URL and
 * a named TLS configuration whose trust store is the CA, with the host name checked.
 */
public class TlsOnlyRedis implements QuarkusTestResourceLifecycleManager {

    /** The name of the TLS configuration, {@code quarkus.tls.redis.*}. */
    static final String TLS_CONFIGURATION = "redis";

    static volatile int port;
    static volatile Path ca;

    private Process process;
    private Path dir;

    @Override
    public Map<String, String> start() {
        port = FreePort.pick();
        try {
            dir = Files.createDirectories(Path.of("target", "redis-tls-" + port))
                    .toAbsolutePath();
            ca = dir.resolve("ca.pem");
            makeCertificates();
            process = new ProcessBuilder(List.of(
                            "redis-server",
                            "--port",
                            "0",
                            "--tls-port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--tls-cert-file",
                            dir.resolve("redis.pem").toString(),
                            "--tls-key-file",
                            dir.resolve("redis.key").toString(),
                            "--tls-ca-cert-file",
                            ca.toString(),
                            "--tls-auth-clients",
                            "no",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString(),
                            "--daemonize",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a TLS redis-server", e);
        }
        await("TLS redis-server on port " + port)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("redis-server exited; see " + dir.resolve("redis.log"));
                    }
                    try (RedisCli redis = client()) {
                        return "PONG".equals(redis.call("PING"));
                    }
                });
        return Map.of(
                "quarkus.redis.hosts",
                "rediss://localhost:" + port,
                "quarkus.redis.tls-configuration-name",
                TLS_CONFIGURATION,
                "quarkus.tls." + TLS_CONFIGURATION + ".trust-store.pem.certs",
                ca.toAbsolutePath().toString(),
                "quarkus.tls." + TLS_CONFIGURATION + ".hostname-verification-algorithm",
                "HTTPS");
    }

    /** A client of this server over TLS, trusting only the test's CA and checking the host name. */
    static RedisCli client() {
        try (InputStream pem = Files.newInputStream(ca)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new RedisCli(socket);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not reach the TLS redis-server on port " + port, e);
        }
    }

    private void makeCertificates() throws IOException {
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(
                "req",
                "-x509",
                "-new",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=trawl-test-ca");
        openssl(
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-keyout",
                "redis.key",
                "-out",
                "redis.csr",
                "-subj",
                "/CN=localhost");
        openssl(
                "x509",
                "-req",
                "-in",
                "redis.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "redis.pem",
                "-days",
                "2",
                "-extfile",
                "san.cnf");
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process openssl = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while making the test certificates", e);
        }
    }

    @Override
    public void stop() {
        if (process == null) {
            return;
        }
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a directory under target/ left behind is harmless
        }
    }
}
