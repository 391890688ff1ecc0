package dev.trawl.job;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.ArrayList;

/**
 * Builds the reactive PostgreSQL pool so that statements marked {@link #MARK} are not kept as
 * prepared statements: PostgreSQL then plans each call for the arrays it actually gets and the
 * table as it is now. A batched statement ({@code unnest} of a whole batch) kept as a prepared
 * statement would get one generic plan, made when it first ran — often on an empty table, where a
 * scan of a partial index of live jobs looks cheaper than primary-key lookups — and keep it while
 * the table grows: a claim of five jobs took 4 ms scanning thousands of index entries. Planning
 * once per batch costs a fraction of that. Every other statement names one row by its key, for
 * which the cached plan is always the key lookup, and stays cached.
 */
@Singleton
public class PerCallPlans implements PgPoolCreator {

    /** Starts the SQL of a statement planned per call. */
    public static final String MARK = "/* planned per call */ ";

    @Override
    public Pool create(Input input) {
        var options = new ArrayList<SqlConnectOptions>();
        input.pgConnectOptionsList().forEach(connect -> {
            var cacheable = connect.getPreparedStatementCacheSqlFilter();
            options.add(
                    connect.setPreparedStatementCacheSqlFilter(sql -> !sql.startsWith(MARK) && cacheable.test(sql)));
        });
        return PgBuilder.pool()
                .with(input.poolOptions())
                .connectingTo(options)
                .using(input.vertx())
                .build();
    }
}
