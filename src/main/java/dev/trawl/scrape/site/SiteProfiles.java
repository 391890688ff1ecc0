package dev.trawl.scrape.site;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured site profiles, and which one applies to a host. */
@ApplicationScoped
public class SiteProfiles {

    // most specific first, then by name, so the choice never depends on map order
    private static final Comparator<SiteProfile> PRECEDENCE = Comparator.comparingInt(
                    (SiteProfile p) -> p.hostPattern().specificity())
            .reversed()
            .thenComparing(SiteProfile::name);

    private final List<SiteProfile> profiles;

    @Inject
    public SiteProfiles(SiteProfilesConfig config) {
        this(config.profiles().entrySet().stream()
                .map(e -> SiteProfile.of(e.getKey(), e.getValue()))
                .toList());
    }

    public SiteProfiles(Collection<SiteProfile> profiles) {
        this.profiles = profiles.stream().sorted(PRECEDENCE).toList();
    }

    /** The profile for a host: an exact host pattern wins, then the glob with the longest literal part. */
    public Optional<SiteProfile> forHost(String host) {
        return profiles.stream().filter(p -> p.hostPattern().matches(host)).findFirst();
    }

    public Optional<SiteProfile> named(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<SiteProfile> all() {
        return profiles;
    }
}
