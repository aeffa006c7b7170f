package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TlsFileFlagsTest {
    static final Path CA = Path.of("ca.crt");
    static final Path CERT = Path.of("a.crt");
    static final Path KEY = Path.of("a.key");
    static final Path BUNDLE = Path.of("a.pem");
    static final Path CRL = Path.of("crl.pem");

    @Test
    void resolve_noFlags_isNoTls() {
        assertThat(TlsFileFlags.resolve(null, null, null, null, null)).isNull();
    }

    @Test
    void resolve_bundleAndCrl_isTheBundleWithTheCrl() {
        assertThat(TlsFileFlags.resolve(null, null, null, BUNDLE, CRL)).isEqualTo(new TlsFiles(BUNDLE, BUNDLE, BUNDLE, CRL));
    }

    @Test
    void resolve_threeFiles_areTaken() {
        assertThat(TlsFileFlags.resolve(CA, CERT, KEY, null, null)).isEqualTo(new TlsFiles(CA, CERT, KEY, null));
    }

    @Test
    void resolve_caAlone_onlyVerifiesTheBroker() {
        assertThat(TlsFileFlags.resolve(CA, null, null, null, null).hasCertificate()).isFalse();
    }

    @Test
    void resolve_incompleteOrMixed_isRefused() {
        assertThatThrownBy(() -> TlsFileFlags.resolve(CA, CERT, null, null, null)).hasMessageContaining("--tls-key");
        assertThatThrownBy(() -> TlsFileFlags.resolve(null, CERT, KEY, null, null)).hasMessageContaining("--tls-ca");
        assertThatThrownBy(() -> TlsFileFlags.resolve(CA, null, null, BUNDLE, null)).hasMessageContaining("not both");
        assertThatThrownBy(() -> TlsFileFlags.resolve(null, null, null, null, CRL)).hasMessageContaining("--tls-crl");
    }
}
