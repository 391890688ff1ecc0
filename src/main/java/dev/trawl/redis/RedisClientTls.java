package dev.trawl.redis;

import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.tls.runtime.config.TlsConfigUtils;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisOptions;
import java.util.Optional;

/**
 * TLS for the Redis clients the platform makes itself (the queue connector's and the pub/sub
 * connection), from the same named configuration of the Quarkus TLS registry that
 * {@code quarkus.redis.tls-configuration-name} gives the Quarkus client: a {@code rediss://} URL
 * then trusts the same CA (and presents the same client certificate, if any) on every connection.
 */
public final class RedisClientTls {

    private final TlsConfiguration tls;

    private RedisClientTls(TlsConfiguration tls) {
        this.tls = tls;
    }

    /** No TLS settings: a {@code rediss://} URL then trusts only the JVM's default CAs. */
    public static final RedisClientTls NONE = new RedisClientTls(null);

    /**
     * The named configuration ({@code quarkus.tls.<name>.*}); a name that the registry does not
     * know is a configuration error, refused at startup rather than on the first connection.
     */
    public static RedisClientTls named(Optional<String> name, TlsConfigurationRegistry registry) {
        Optional<String> given = name.map(String::strip).filter(n -> !n.isEmpty());
        if (given.isEmpty()) {
            return NONE;
        }
        return new RedisClientTls(registry.get(given.get())
                .orElseThrow(() -> new IllegalStateException("quarkus.redis.tls-configuration-name names \""
                        + given.get() + "\" but no quarkus.tls." + given.get() + ".* configuration exists")));
    }

    /** {@code options} with the trust store, key store and host name check of the configuration, if any. */
    public RedisOptions applyTo(RedisOptions options) {
        if (tls != null) {
            NetClientOptions net = options.getNetClientOptions();
            TlsConfigUtils.configure(net, tls);
            net.setSsl(true);
        }
        return options;
    }
}
