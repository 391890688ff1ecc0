package dev.trawl.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the {@code X-Admin-Token} header of an admin request against {@code trawl.admin.token}. */
@ApplicationScoped
public class AdminToken {

    public static final String HEADER = "X-Admin-Token";

    private final AdminConfig config;

    public AdminToken(AdminConfig config) {
        this.config = config;
    }

    /** Throws a 403 problem when admin endpoints are disabled, a 401 when the header is missing or wrong. */
    public void require(String presented) {
        String expected = config.token().filter(token -> !token.isBlank()).orElseThrow(() -> new ProblemException(
                Problem.of(403, "admin-disabled", "Forbidden",
                        "admin endpoints are disabled: set trawl.admin.token to enable them")));
        // constant time, so the token cannot be guessed byte by byte from response times
        if (presented == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ProblemException(Problem.of(401, "admin-token-invalid", "Unauthorized",
                    "The " + HEADER + " header is missing or does not match the admin token").withField(HEADER));
        }
    }
}
