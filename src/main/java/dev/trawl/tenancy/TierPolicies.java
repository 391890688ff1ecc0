package dev.trawl.tenancy;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/** The policy of each tier, from {@code trawl.tiers.*}; every tier is unlimited when they are not enforced. */
@ApplicationScoped
public class TierPolicies {

    private final Map<Tier, TierPolicy> policies = new EnumMap<>(Tier.class);

    public TierPolicies(TierPoliciesConfig config) {
        policies.put(Tier.ANONYMOUS, policy(config, config.anonymous()));
        policies.put(Tier.API_KEY, policy(config, config.apiKey()));
        policies.put(Tier.PREMIUM, policy(config, config.premium()));
        policies.put(Tier.ADMIN, policy(config, config.admin()));
    }

    private static TierPolicy policy(TierPoliciesConfig config, TierPoliciesConfig.Policy policy) {
        return config.enforced() ? TierPolicy.of(policy) : TierPolicy.UNLIMITED;
    }

    public TierPolicy of(Tier tier) {
        return policies.get(tier);
    }
}
