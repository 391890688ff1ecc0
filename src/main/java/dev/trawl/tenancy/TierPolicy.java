package dev.trawl.tenancy;

import java.util.List;
import java.util.Optional;

/**
 * What callers of one tier may ask for. {@code profiles} is empty for all site profiles, else the
 * names allowed (an empty list for none).
 */
public record TierPolicy(
        int maxInFlight, int maxQueued, int maxPages, boolean render, Optional<List<String>> profiles) {

    /** No cap, no quota: trusted deployments and benchmarks. */
    public static final TierPolicy UNLIMITED = new TierPolicy(0, 0, Integer.MAX_VALUE, true, Optional.empty());

    static TierPolicy of(TierPoliciesConfig.Policy policy) {
        List<String> names = policy.profiles().orElse(List.of()).stream()
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .toList();
        return new TierPolicy(
                policy.maxInFlight(),
                policy.maxQueued(),
                policy.maxPages(),
                policy.render(),
                names.contains("*") ? Optional.empty() : Optional.of(names));
    }
}
