package io.sigmaquant.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies the CA's broker identity (a server certificate and nothing more) and that agent ids never meet the
 * names Mosquitto's ACL grants rights to: the reserved names and any controller or broker name ever issued.
 */
class CertificateNamesTest {
    private static final Duration YEAR = Duration.ofDays(365);

    @TempDir
    Path tmp;

    private CertificateAuthority ca() {
        return CertificateAuthority.init(tmp.resolve("pki"), CertificateAuthority.DEFAULT_NAME,
                CertificateAuthority.DEFAULT_CA_DAYS, Clock.systemUTC());
    }

    @Test
    void issueBroker_serverAuthOnlyWithItsHostsInBrokersFolder() throws Exception {
        CertificateAuthority ca = ca();

        IssuedCertificate issued = ca.issue(new Identity("mqtt", Role.BROKER), List.of("mqtt.example.org",
                "192.0.2.10"), YEAR, false);

        TlsMaterial material = TlsMaterial.load(TlsFiles.bundle(issued.bundle()));
        X509Certificate certificate = material.certificate();
        assertThat(material.identity()).isEqualTo(new Identity("mqtt", Role.BROKER));
        assertThat(certificate.getSubjectX500Principal().getName()).startsWith("CN=mqtt,OU=broker,");
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth only
        assertThat(certificate.getSubjectAlternativeNames()).extracting(san -> san.get(0) + "=" + san.get(1))
                .containsExactly("2=mqtt.example.org", "7=192.0.2.10");
        assertThat(issued.certificate()).isEqualTo(ca.folder().dir().resolve("brokers/mqtt.crt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"controller", "broker"})
    void issueAgent_reservedName_isRefusedBeforeAnyControllerExists(String name) {
        CertificateAuthority ca = ca();

        // the shipped ACL's `user controller` would give such an agent the controller's rights on Mosquitto
        assertThatThrownBy(() -> ca.issue(new Identity(name, Role.AGENT), List.of(), YEAR, false))
                .isInstanceOf(UserInputException.class).hasMessageContaining(name + " is reserved");
        assertThat(ca.certificates()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONTROLLER", "BROKER"})
    void issueAgent_nameOfARevokedControllerOrBroker_isRefused(Role role) {
        CertificateAuthority ca = ca();
        Identity server = new Identity("ctrl-2", role);
        ca.issue(server, CertificateAuthority.DEFAULT_HOSTS, YEAR, false);
        ca.revoke(server);

        // an ACL block may still name it: revocation does not free the name
        assertThatThrownBy(() -> ca.issue(new Identity("ctrl-2", Role.AGENT), List.of(), YEAR, false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("revoked").hasMessageContaining(
                        "must differ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONTROLLER", "BROKER"})
    void issueControllerOrBroker_nameOfAnAgentEverIssued_isRefused(Role role) {
        CertificateAuthority ca = ca();
        Identity agent = new Identity("board-9", Role.AGENT);
        ca.issue(agent, List.of(), YEAR, false);
        ca.revoke(agent);

        assertThatThrownBy(() -> ca.issue(new Identity("board-9", role), CertificateAuthority.DEFAULT_HOSTS, YEAR,
                false)).isInstanceOf(UserInputException.class).hasMessageContaining("used by the agent certificate");
    }

    @Test
    void issueBroker_nameOfAController_isRefused() {
        CertificateAuthority ca = ca();
        ca.issue(new Identity("controller", Role.CONTROLLER), CertificateAuthority.DEFAULT_HOSTS, YEAR, false);

        assertThatThrownBy(() -> ca.issue(new Identity("controller", Role.BROKER), List.of("localhost"), YEAR,
                false)).isInstanceOf(UserInputException.class).hasMessageContaining("must differ");
    }
}
