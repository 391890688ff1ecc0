package dev.trawl.health;

import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Turns one component's probe into its health response: bounded by the configured timeout,
 * timed, and with {@code status} ({@code up}, {@code degraded} or {@code down}), {@code message}
 * and {@code durationMs} in its data. Degraded is UP to Kubernetes: the pod stays in service.
 */
final class ComponentReport {

    private static final Pattern CREDENTIALS_IN_URI = Pattern.compile("//[^/@\\s]+@");

    private ComponentReport() {}

    static Uni<HealthCheckResponse> of(String name, Duration timeout, Uni<Verdict> probe) {
        return of(name, timeout, probe, Verdict.Level.DOWN);
    }

    /** @param onFailure the level of a probe that fails or does not answer in time */
    static Uni<HealthCheckResponse> of(String name, Duration timeout, Uni<Verdict> probe, Verdict.Level onFailure) {
        return of(name, timeout, probe, onFailure, reached -> {});
    }

    /** @param reached told whether the probe answered in time, whatever its verdict */
    static Uni<HealthCheckResponse> of(
            String name, Duration timeout, Uni<Verdict> probe, Verdict.Level onFailure, Consumer<Boolean> reached) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return probe.ifNoItem()
                    .after(timeout)
                    .fail()
                    .invoke(answered -> reached.accept(true))
                    .onFailure()
                    .invoke(failure -> reached.accept(false))
                    .onFailure()
                    .recoverWithItem(failure -> new Verdict(
                            onFailure,
                            failure instanceof TimeoutException
                                    ? "no answer within " + timeout.toMillis() + " ms"
                                    : describe(failure)))
                    .map(verdict -> response(name, verdict, (System.nanoTime() - start) / 1_000_000));
        });
    }

    private static HealthCheckResponse response(String name, Verdict verdict, long durationMs) {
        return HealthCheckResponse.named(name)
                .status(verdict.level() != Verdict.Level.DOWN)
                .withData("status", verdict.level().name().toLowerCase(Locale.ROOT))
                .withData("message", verdict.message())
                .withData("durationMs", durationMs)
                .build();
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        // a client may quote the address it failed to reach: never its credentials
        return failure.getClass().getSimpleName()
                + (message == null
                        ? ""
                        : ": " + CREDENTIALS_IN_URI.matcher(message).replaceAll("//***@"));
    }
}
