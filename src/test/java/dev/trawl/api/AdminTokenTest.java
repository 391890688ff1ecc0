package dev.trawl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

    @Test
    void withoutAConfiguredTokenAdminEndpointsAreDisabled() {
        AdminToken admin = new AdminToken(Optional::empty);

        ProblemException refused = catchThrowableOfType(() -> admin.require("anything"), ProblemException.class);
        assertThat(refused.problem().status()).isEqualTo(403);
        assertThat(refused.problem().detail()).startsWith("admin endpoints are disabled");
    }

    @Test
    void onlyTheConfiguredTokenIsAccepted() {
        AdminToken admin = new AdminToken(() -> Optional.of("s3cret"));

        assertThatCode(() -> admin.require("s3cret")).doesNotThrowAnyException();
        ProblemException wrong = catchThrowableOfType(() -> admin.require("s3cret-not"), ProblemException.class);
        assertThat(wrong.problem().status()).isEqualTo(401);
        assertThat(wrong.problem().field()).isEqualTo(AdminToken.HEADER);
        assertThat(catchThrowableOfType(() -> admin.require(null), ProblemException.class).problem().status())
                .isEqualTo(401);
    }
}
