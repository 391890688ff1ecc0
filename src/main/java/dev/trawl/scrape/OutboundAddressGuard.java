package dev.trawl.scrape;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Refuses a request whose host resolves to an address inside our own network (see
 * {@link AddressClassifier}), checked on the resolved address of every hop, so a hostname or a
 * redirect cannot smuggle a request to 127.0.0.1 or the metadata service.
 */
@ApplicationScoped
public class OutboundAddressGuard {

    private final FetchConfig config;

    public OutboundAddressGuard(FetchConfig config) {
        this.config = config;
    }

    public Uni<Void> check(URI target) {
        if (config.allowPrivateNetworks()) {
            return Uni.createFrom().voidItem();
        }
        String host = hostOf(target);
        return Uni.createFrom().item(() -> resolve(host))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(addresses -> {
                    for (InetAddress address : addresses) {
                        AddressClassifier.refusalReason(address).ifPresent(reason -> {
                            throw FetchFailure.permanent("blocked-address",
                                    "Refused to fetch " + host + ": it resolves to " + address.getHostAddress()
                                            + ", a " + reason);
                        });
                    }
                })
                .replaceWithVoid();
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
