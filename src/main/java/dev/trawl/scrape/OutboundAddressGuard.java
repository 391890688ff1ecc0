package dev.trawl.scrape;

import io.netty.util.NetUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Resolves the host of every hop and refuses it if any of its addresses lies inside our own
 * network (see {@link AddressClassifier}), so a host name or a redirect cannot smuggle a request
 * to 127.0.0.1 or the metadata service. The fetcher then connects to the address vetted here,
 * not to a second resolution, so DNS cannot answer differently in between (rebinding).
 */
@ApplicationScoped
public class OutboundAddressGuard {

    private static final Logger LOG = Logger.getLogger(OutboundAddressGuard.class);

    private final FetchConfig config;
    private final List<CidrRange> allowed;

    public OutboundAddressGuard(FetchConfig config) {
        this.config = config;
        this.allowed = config.allowList().orElse(List.of()).stream()
                .map(CidrRange::parse)
                .toList();
    }

    /**
     * Checks a URL about to leave the worker by any route (a fetch hop, a render, a login): only
     * http(s), and only to an address that is allowed. Fails with a permanent {@link FetchFailure}.
     */
    public Uni<InetAddress> checkUrl(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Uni.createFrom()
                    .failure(FetchFailure.permanent(
                            "unsupported-scheme",
                            "Refused to fetch " + target + ": only http and https URLs are fetched"));
        }
        return Uni.createFrom().deferred(() -> check(target));
    }

    /**
     * The address to connect to for this hop; fails with a permanent {@link FetchFailure} if refused.
     * A name is resolved on a worker thread (the JDK resolver blocks); an address literal needs no
     * resolving and is checked where the caller is.
     */
    public Uni<InetAddress> check(URI target) {
        String host = hostOf(target);
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        Uni<InetAddress[]> resolved = literal != null
                ? Uni.createFrom().item(new InetAddress[] {literal})
                : Uni.createFrom().item(() -> resolve(host)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return resolved.invoke(addresses -> {
                    if (config.allowPrivateNetworks()) {
                        return;
                    }
                    for (InetAddress address : addresses) {
                        if (allowed.stream().anyMatch(range -> range.contains(address))) {
                            continue;
                        }
                        AddressClassifier.refusalReason(address).ifPresent(reason -> {
                            // what a name resolves to inside our network is for us, not for the client
                            LOG.debugf("Refused %s: it resolves to a %s", host, reason);
                            throw FetchFailure.permanent(
                                    "blocked-address", "Refused to fetch " + host + ": its address is not allowed");
                        });
                    }
                })
                .map(addresses -> addresses[0]);
    }

    static String hostOf(URI target) {
        String host = target.getHost();
        if (host == null) {
            throw FetchFailure.permanent("invalid-url", "No host in " + target);
        }
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw FetchFailure.transientFailure("dns", "Could not resolve " + host);
        }
    }
}
