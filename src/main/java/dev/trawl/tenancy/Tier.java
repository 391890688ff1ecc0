package dev.trawl.tenancy;

import java.util.Arrays;
import java.util.Optional;

/** What a caller may do and how much: anonymous callers, key holders, premium customers, admins. */
public enum Tier {
    ANONYMOUS("anonymous"),
    API_KEY("api-key"),
    PREMIUM("premium"),
    ADMIN("admin");

    private final String wireName;

    Tier(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Tier> fromWire(String name) {
        return Arrays.stream(values())
                .filter(tier -> tier.wireName.equals(name))
                .findFirst();
    }

    /** A key can be issued for every tier but anonymous. */
    public boolean issuable() {
        return this != ANONYMOUS;
    }
}
