package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.JobError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Verifies that models come only from the configured controller's origin, or loopback when none is given. */
class ModelOriginTest {
    private final ModelOrigin controller = ModelOrigin.of("https://ctl.example:8443");

    @Test
    void check_sameSchemeHostAndPort_isTrusted() {
        assertThat(controller.check("https://CTL.example:8443/models/abc").getPath()).isEqualTo("/models/abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://ctl.example:8443/models/a", "https://ctl.example/models/a",
        "https://ctl.example:8444/models/a", "https://evil.example:8443/models/a", "https://127.0.0.1:8443/models/a",
        "https://ctl.example:8443/models/../api/runs", "https://ctl.example:8443/models/%2e%2e/api/runs",
        "https://ctl.example:8443/models/a%2Fb", "https://user@ctl.example:8443/models/a", "not a url at all"})
    void check_anotherOriginOrATraversal_isRefused(String url) {
        assertThatThrownBy(() -> controller.check(url)).isInstanceOf(FetchException.class)
                .extracting(e -> ((FetchException) e).code()).isEqualTo(JobError.Codes.UNTRUSTED_URL);
    }

    @Test
    void check_withoutAControllerUrl_trustsLoopbackOnly() {
        assertThat(ModelOrigin.LOOPBACK.check("http://127.0.0.1:1234/models/a")).isNotNull();
        assertThat(ModelOrigin.LOOPBACK.check("https://localhost/models/a")).isNotNull();
        assertThatThrownBy(() -> ModelOrigin.LOOPBACK.check("http://10.0.0.1/models/a"))
                .isInstanceOf(FetchException.class);
    }

    @Test
    void of_notAnHttpUrl_isRefused() {
        assertThatThrownBy(() -> ModelOrigin.of("ftp://ctl")).isInstanceOf(IllegalArgumentException.class);
    }
}
