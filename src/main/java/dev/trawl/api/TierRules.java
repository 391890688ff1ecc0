package dev.trawl.api;

import dev.trawl.job.FairShare;
import dev.trawl.job.FairShares;
import dev.trawl.job.JobSpec;
import dev.trawl.tenancy.Tenant;
import dev.trawl.tenancy.TierPolicies;
import dev.trawl.tenancy.TierPolicy;
import dev.trawl.webhook.WebhookSecretResource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What a caller's tier allows a submit ({@code trawl.tiers.*}): the largest crawl, rendering, the
 * site profiles its jobs may use, how many of its jobs may be unfinished at once, and its share of
 * the workers. A request beyond what the tier allows is a 403 naming the member; one that would
 * queue more than the tier's {@code max-queued} is a 429.
 */
@ApplicationScoped
public class TierRules {

    private final TierPolicies policies;
    private final FairShares shares;

    public TierRules(TierPolicies policies, FairShares shares) {
        this.policies = policies;
        this.shares = shares;
    }

    /** How the caller's jobs take turns on the work streams. */
    public FairShare shareOf(Tenant caller) {
        return new FairShare(caller.id(), policies.of(caller.tier()).maxInFlight());
    }

    /** The spec as the caller's tier lets it run; a 403 problem if the tier forbids what it asks. */
    public JobSpec allowed(Tenant caller, JobSpec spec) {
        TierPolicy policy = policies.of(caller.tier());
        String tier = caller.tier().wireName();
        if (spec.crawl().maxPages() > policy.maxPages()) {
            throw forbidden(
                    "crawl.maxPages",
                    "crawl.maxPages: the " + tier + " tier may crawl at most " + policy.maxPages() + " pages per job");
        }
        if (spec.render() && !policy.render()) {
            throw forbidden("render", "render: the " + tier + " tier may not render pages in a browser");
        }
        if (spec.webhook() != null && caller.keyId().isEmpty() && !caller.isAdmin()) {
            throw WebhookSecretResource.needsKey("webhook");
        }
        return policy.profiles().map(spec::withAllowedProfiles).orElse(spec);
    }

    /** Fails with a 429 problem if {@code jobs} more would leave more than the tier's max-queued unfinished. */
    public Uni<Void> roomFor(Tenant caller, int jobs) {
        int max = policies.of(caller.tier()).maxQueued();
        if (max <= 0) {
            return Uni.createFrom().voidItem();
        }
        return shares.backlog(caller.id())
                .invoke(backlog -> {
                    if (backlog.total() + jobs > max) {
                        throw new ProblemException(Problem.of(
                                429,
                                "queue-quota-exceeded",
                                "Too many jobs queued",
                                "You have " + backlog.total() + " unfinished jobs and the "
                                        + caller.tier().wireName() + " tier allows " + max
                                        + " at once; submit more once some have ended"));
                    }
                })
                .replaceWithVoid();
    }

    private static ProblemException forbidden(String field, String detail) {
        return new ProblemException(Problem.of(403, "tier-forbids", "Not allowed for your tier", detail)
                .withField(field));
    }
}
