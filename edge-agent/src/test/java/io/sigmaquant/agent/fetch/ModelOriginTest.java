package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.JobError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Verifies that models come only from the configured controllers' origins (one per replica), or loopback when none
 * is given.
 */
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

    @Test
    void check_severalOrigins_trustsEachAndNoOther() {
        ModelOrigins replicas = ModelOrigins.of("https://r1.example:8443, https://r2.example:9443");

        assertThat(replicas.check("https://r1.example:8443/models/a").getHost()).isEqualTo("r1.example");
        assertThat(replicas.check("https://R2.example:9443/models/a").getHost()).isEqualToIgnoringCase("r2.example");
        assertThatThrownBy(() -> replicas.check("https://r1.example:9443/models/a"))
                .isInstanceOf(FetchException.class).hasMessageContaining("https://r1.example:8443, https://r2.example:9443");
        assertThatThrownBy(() -> replicas.check("https://r2.example:9443/models/../api/runs"))
                .isInstanceOf(FetchException.class).hasMessageContaining("outside the model store");
    }

    @Test
    void check_oneOrigin_behavesAsThatOrigin() {
        ModelOrigins one = ModelOrigins.of("https://ctl.example:8443");

        assertThat(one.origins()).containsExactly(controller);
        assertThat(one.check("https://ctl.example:8443/models/abc").getPath()).isEqualTo("/models/abc");
        assertThatThrownBy(() -> one.check("https://evil.example:8443/models/a")).isInstanceOf(FetchException.class)
                .hasMessageContaining("is not on the trusted origin https://ctl.example:8443");
    }

    @Test
    void loopbackOrigins_withoutAControllerUrl_trustLoopbackOnly() {
        assertThat(ModelOrigins.LOOPBACK.check("http://localhost:8080/models/a")).isNotNull();
        assertThatThrownBy(() -> ModelOrigins.LOOPBACK.check("http://10.0.0.1/models/a"))
                .isInstanceOf(FetchException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " , ", "https://r1.example:8443,ftp://r2", "https://r1.example:8443,not a url"})
    void of_emptyOrOneBadUrl_isRefused(String urls) {
        assertThatThrownBy(() -> ModelOrigins.of(urls)).isInstanceOf(IllegalArgumentException.class);
    }
}
