package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FetchFailureTest {

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void anAnswerThatMayBeDifferentNextTimeIsTransient(int status) {
        FetchFailure failure = FetchFailure.httpStatus(status);
        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.code()).isEqualTo("http-" + status);
        assertThat(failure.statusCode()).isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 501, 505})
    void anAnswerThatWillNotChangeIsPermanent(int status) {
        assertThat(FetchFailure.httpStatus(status).isTransient()).isFalse();
    }
}
