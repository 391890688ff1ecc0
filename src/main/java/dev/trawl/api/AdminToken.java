package dev.trawl.api;

import dev.trawl.tenancy.Tenant;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets an admin request through: the caller holds an admin-tier key (or sent the configured
 * {@code trawl.admin.token} as its key), or the request carries {@code X-Admin-Token} with that
 * token, as admin endpoints have always accepted.
 */
@ApplicationScoped
public class AdminToken {

    public static final String HEADER = "X-Admin-Token";
    /** The header as the OpenAPI document describes it. */
    public static final String DESCRIPTION = "The configured trawl.admin.token; not needed with an admin-tier key";

    private final AdminConfig config;

    public AdminToken(AdminConfig config) {
        this.config = config;
    }

    /**
     * Throws a 403 problem for a key holder who is not an admin, or when no admin can exist (no
     * token configured and no admin key presented); a 401 when the header is missing or wrong.
     */
    public void require(Tenant caller, String presented) {
        if (caller.isAdmin()) {
            return;
        }
        if (caller.keyId().isPresent() && presented == null) {
            throw new ProblemException(Problem.of(
                    403,
                    "admin-required",
                    "Forbidden",
                    "This endpoint needs an admin key; the key presented is of tier "
                            + caller.tier().wireName()));
        }
        String expected = config.token()
                .filter(token -> !token.isBlank())
                .orElseThrow(() -> new ProblemException(Problem.of(
                        403,
                        "admin-disabled",
                        "Forbidden",
                        "admin endpoints are disabled: set trawl.admin.token or use an admin key")));
        // constant time, so the token cannot be guessed byte by byte from response times
        if (presented == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ProblemException(Problem.of(
                            401,
                            "admin-token-invalid",
                            "Unauthorized",
                            "The " + HEADER
                                    + " header is missing or does not match the admin token, and no admin key was"
                                    + " presented")
                    .withField(HEADER));
        }
    }
}
