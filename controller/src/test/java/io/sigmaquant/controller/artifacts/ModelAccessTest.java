package io.sigmaquant.controller.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.testing.TestPki;
import io.sigmaquant.protocol.tls.PemFile;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies which of the installation's certificates may download models: agents and controllers, never a broker. */
class ModelAccessTest {
    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void issue() {
        pki = TestPki.create(dir.resolve("pki"), "access-ca");
    }

    private static X509Certificate certificate(TlsFiles files) {
        return PemFile.read(files.cert()).certificates().get(0);
    }

    @Test
    void admits_agentAndController_yes() {
        assertThat(ModelAccess.admits(certificate(pki.agent("board-1")))).isTrue();
        assertThat(ModelAccess.admits(certificate(pki.controller("controller")))).isTrue();
    }

    @Test
    void admits_brokersServerCertificate_no() {
        assertThat(ModelAccess.admits(certificate(pki.broker("broker")))).isFalse();
    }

    @Test
    void admits_certificateNamingNoIdentity_no() {
        assertThat(ModelAccess.admits(pki.caCertificate())).isFalse();
    }
}
