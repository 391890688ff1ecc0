package dev.trawl.tenancy;

import dev.trawl.job.Sha256;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * Who is calling: the owner of what a request creates and the subject of its limits. {@code id}
 * is {@code key:<key id>} for a key holder, {@code admin} for the bootstrap admin token and
 * {@code anonymous:<SHA-256 of the address>} for everyone else; it never contains a secret.
 */
public record Tenant(String id, Tier tier, Optional<UUID> keyId) {

    static final String CONTEXT_KEY = "trawl.tenant";

    public static final Tenant BOOTSTRAP_ADMIN = new Tenant("admin", Tier.ADMIN, Optional.empty());

    public static Tenant holderOf(UUID keyId, Tier tier) {
        return new Tenant("key:" + keyId, tier, Optional.of(keyId));
    }

    public static Tenant anonymous(String address) {
        return new Tenant("anonymous:" + Sha256.hex(address), Tier.ANONYMOUS, Optional.empty());
    }

    public boolean isAdmin() {
        return tier == Tier.ADMIN;
    }

    /**
     * Whether this caller may see (and act on) a job of {@code owner}: its own, or any if an
     * admin. A job without an owner (from before tenancy) is an admin's only.
     */
    public boolean owns(String owner) {
        return isAdmin() || id.equals(owner);
    }

    /** The caller identified for this request by {@link CallerIdentification}. */
    public static Tenant of(RoutingContext context) {
        Tenant tenant = context.get(CONTEXT_KEY);
        if (tenant == null) {
            throw new IllegalStateException(
                    "no caller identified for " + context.request().path());
        }
        return tenant;
    }
}
