package io.sigmaquant.controller.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The safe-defaults rule: what may listen where without TLS, when the API needs tokens and a submission limit. */
class ControllerOptionsTest {
    static final TlsFiles TLS = new TlsFiles(Path.of("ca.crt"), Path.of("c.crt"), Path.of("c.key"), null);

    @Test
    void defaults_loopbackWithoutTls_startAndNeedNoTokens() {
        ControllerOptions o = new ControllerOptions();
        assertThat(o.exposureRefusal()).isNull();
        assertThat(o.requireTokens()).isFalse();
        assertThat(new ControllerOptions().setHttpHost("localhost").exposureRefusal()).isNull();
    }

    @Test
    void nonLoopbackHttpOrBrokerWithoutTls_isRefusedSayingWhatToGive() {
        assertThat(new ControllerOptions().setHttpHost("0.0.0.0").exposureRefusal())
                .contains("HTTP API on 0.0.0.0", "--tls-bundle", "--insecure");
        assertThat(new ControllerOptions().setMqttHost("0.0.0.0").exposureRefusal())
                .contains("embedded MQTT broker on 0.0.0.0");
        // an external broker is secured (or not) where it runs
        assertThat(new ControllerOptions().setMqttHost("0.0.0.0").setBrokerUrl("tcp://mosquitto:1883")
                .exposureRefusal()).isNull();
    }

    @Test
    void insecure_startsWithoutTokens() {
        ControllerOptions o = new ControllerOptions().setHttpHost("0.0.0.0").setInsecure(true);
        assertThat(o.exposureRefusal()).isNull();
        assertThat(o.requireTokens()).isFalse();
    }

    @Test
    void tls_allowsAnyAddressAndRequiresTokens() {
        ControllerOptions o = new ControllerOptions().setHttpHost("0.0.0.0").setMqttHost("0.0.0.0").setTls(TLS);
        assertThat(o.exposureRefusal()).isNull();
        assertThat(o.requireTokens()).isTrue();
        assertThat(new ControllerOptions(o).tls()).isEqualTo(TLS);
        assertThat(new ControllerOptions().setRequireTokens(true).requireTokens()).isTrue();
    }

    /** Verifies that local clients, who all share 127.0.0.1, are not held back by one rate-limit bucket. */
    @Test
    void limitsSubmissions_onlyWithTokensOrOffLoopback() {
        assertThat(new ControllerOptions().limitsSubmissions()).isFalse();
        assertThat(new ControllerOptions().setHttpHost("localhost").limitsSubmissions()).isFalse();
        assertThat(new ControllerOptions().setRequireTokens(true).limitsSubmissions()).isTrue();
        assertThat(new ControllerOptions().setTls(TLS).limitsSubmissions()).isTrue();
        assertThat(new ControllerOptions().setHttpHost("0.0.0.0").setInsecure(true).limitsSubmissions()).isTrue();
    }
}
