package dev.trawl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trawl.tenancy.Tenant;
import dev.trawl.tenancy.Tier;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

    private static final Tenant ANONYMOUS = Tenant.anonymous("192.0.2.7");

    @Test
    void withoutAConfiguredTokenAdminEndpointsAreDisabled() {
        AdminToken admin = new AdminToken(Optional::empty);

        ProblemException refused =
                catchThrowableOfType(() -> admin.require(ANONYMOUS, "anything"), ProblemException.class);
        assertThat(refused.problem().status()).isEqualTo(403);
        assertThat(refused.problem().detail()).startsWith("admin endpoints are disabled");
    }

    @Test
    void onlyTheConfiguredTokenIsAccepted() {
        AdminToken admin = new AdminToken(() -> Optional.of("s3cret"));

        assertThatCode(() -> admin.require(ANONYMOUS, "s3cret")).doesNotThrowAnyException();
        ProblemException wrong =
                catchThrowableOfType(() -> admin.require(ANONYMOUS, "s3cret-not"), ProblemException.class);
        assertThat(wrong.problem().status()).isEqualTo(401);
        assertThat(wrong.problem().field()).isEqualTo(AdminToken.HEADER);
        assertThat(catchThrowableOfType(() -> admin.require(ANONYMOUS, null), ProblemException.class)
                        .problem()
                        .status())
                .isEqualTo(401);
    }

    @Test
    void anAdminKeyNeedsNoHeaderAndOtherKeysAreForbidden() {
        AdminToken admin = new AdminToken(() -> Optional.of("s3cret"));

        assertThatCode(() -> admin.require(Tenant.holderOf(UUID.randomUUID(), Tier.ADMIN), null))
                .doesNotThrowAnyException();
        assertThatCode(() -> admin.require(Tenant.BOOTSTRAP_ADMIN, null)).doesNotThrowAnyException();
        ProblemException premium = catchThrowableOfType(
                () -> admin.require(Tenant.holderOf(UUID.randomUUID(), Tier.PREMIUM), null), ProblemException.class);
        assertThat(premium.problem().status()).isEqualTo(403);
        assertThat(premium.problem().type()).endsWith("/admin-required");
    }
}
