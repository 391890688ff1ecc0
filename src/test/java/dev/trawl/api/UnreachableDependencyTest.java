package dev.trawl.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures of a request are an outage of PostgreSQL or Redis (503), not our bug (500). */
class UnreachableDependencyTest {

    @Test
    void aRefusedOrResetConnectionIsAnOutage() {
        assertThat(ProblemMappers.isUnreachableDependency(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(ProblemMappers.isUnreachableDependency(
                        new CompletionException(new SocketException("Connection reset"))))
                .isTrue();
    }

    @Test
    void aPostgresServerShuttingDownOrStartingIsAnOutage() {
        // what a submit met during `pg_ctl stop -m fast` in PostgresRestartChaosIT
        assertThat(ProblemMappers.isUnreachableDependency(
                        new PgException("the database system is shutting down", "FATAL", "57P03", null)))
                .isTrue();
        assertThat(ProblemMappers.isUnreachableDependency(
                        new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)))
                .isTrue();
        assertThat(ProblemMappers.isUnreachableDependency(
                        new PgException("connection failure", "FATAL", "08006", null)))
                .isTrue();
    }

    @Test
    void otherDatabaseErrorsAreNot() {
        assertThat(ProblemMappers.isUnreachableDependency(
                        new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)))
                .isFalse();
        assertThat(ProblemMappers.isUnreachableDependency(new IllegalStateException("bug")))
                .isFalse();
    }
}
