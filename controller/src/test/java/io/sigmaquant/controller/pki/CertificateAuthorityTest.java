package io.sigmaquant.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFileException;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the CA writes usable, owner-only files and that revocation and renewal follow the index. */
class CertificateAuthorityTest {
    private static final Duration YEAR = Duration.ofDays(365);
    private static final Identity BOARD = new Identity("board-1", Role.AGENT);

    @TempDir
    Path tmp;

    private CertificateAuthority init(String folder) {
        return CertificateAuthority.init(tmp.resolve(folder), CertificateAuthority.DEFAULT_NAME,
                CertificateAuthority.DEFAULT_CA_DAYS, Clock.systemUTC());
    }

    private static TlsMaterial loadWithCrl(CertificateAuthority ca, IssuedCertificate issued) {
        return TlsMaterial.load(TlsFiles.bundle(issued.bundle()).withCrl(ca.folder().crl()));
    }

    @Test
    void init_writesCaFilesOwnerOnlyInOwnerOnlyFolder() throws Exception {
        CertificateAuthority ca = init("pki");
        PkiFolder folder = ca.folder();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.dir()))).isEqualTo("rwx------");
        for (Path file : List.of(folder.caCertificate(), folder.caKey(), folder.crl(), folder.index())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
        X509Certificate certificate = ca.certificate();
        assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(certificate.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(TlsMaterial.load(TlsFiles.caOnly(folder.caCertificate()).withCrl(folder.crl())).ca())
                .isEqualTo(certificate);
    }

    @Test
    void init_folderWithCa_isRefused() {
        init("pki");

        assertThatThrownBy(() -> init("pki")).isInstanceOf(UserInputException.class)
                .hasMessageContaining("already holds a CA");
    }

    @Test
    void open_folderWithoutCa_isRefused() {
        assertThatThrownBy(() -> CertificateAuthority.open(tmp.resolve("empty"), Clock.systemUTC()))
                .isInstanceOf(UserInputException.class).hasMessageContaining("sigmaquant pki init");
    }

    @Test
    void open_caKeyOfAnotherCa_isRefusedNamingTheKey() throws Exception {
        CertificateAuthority ca = init("pki");
        CertificateAuthority other = init("other");
        Files.copy(other.folder().caKey(), ca.folder().caKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> CertificateAuthority.open(ca.folder().dir(), Clock.systemUTC()))
                .isInstanceOfSatisfying(TlsFileException.class,
                        e -> assertThat(e.file()).isEqualTo(ca.folder().caKey()));
    }

    @Test
    void issueAgent_bundleLoadsAsThatAgentWithClientAuthOnly() throws Exception {
        CertificateAuthority ca = init("pki");

        IssuedCertificate issued = ca.issue(BOARD, List.of(), YEAR, false);

        TlsMaterial material = loadWithCrl(CertificateAuthority.open(ca.folder().dir(), Clock.systemUTC()), issued);
        assertThat(material.identity()).isEqualTo(BOARD);
        assertThat(material.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(material.certificate().getSubjectAlternativeNames()).isNull();
        assertThat(issued.bundle()).isEqualTo(ca.folder().dir().resolve("agents/board-1.pem"));
        try (Stream<Path> files = Files.list(ca.folder().roleDir(Role.AGENT))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("board-1.pem", "board-1.crt", "board-1.key");
        }
        for (Path file : List.of(issued.bundle(), issued.certificate(), issued.key())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.folder().roleDir(Role.AGENT))))
                .isEqualTo("rwx------");
        assertThat(ca.certificates()).singleElement().satisfies(e -> {
            assertThat(e.serial()).isEqualTo(issued.serial().toString(16));
            assertThat(e.revoked()).isFalse();
        });
    }

    @Test
    void issueController_carriesHostsAsSansAndBothUsages() throws Exception {
        CertificateAuthority ca = init("pki");

        IssuedCertificate issued = ca.issue(new Identity("controller", Role.CONTROLLER),
                List.of("fleet.example", "10.1.2.3", "::1"), YEAR, false);

        X509Certificate certificate = TlsMaterial.load(TlsFiles.bundle(issued.bundle())).certificate();
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(san -> san.get(0) + "=" + san.get(1))
                .containsExactly("2=fleet.example", "7=10.1.2.3", "7=0:0:0:0:0:0:0:1");
        assertThat(certificate.getSerialNumber().signum()).isPositive();
        assertThat(certificate.getSerialNumber().bitLength()).isGreaterThan(64);
    }

    @Test
    void issue_hostThatIsNoName_isRefused() {
        CertificateAuthority ca = init("pki");

        assertThatThrownBy(() -> ca.issue(new Identity("c", Role.CONTROLLER), List.of("bad host/x"), YEAR, false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--host bad host/x");
    }

    @Test
    void issue_sameAgentTwice_isRefusedUnlessReplaced_andReplacingRevokesTheOld() {
        CertificateAuthority ca = init("pki");
        IssuedCertificate first = ca.issue(BOARD, List.of(), YEAR, false);

        assertThatThrownBy(() -> ca.issue(BOARD, List.of(), YEAR, false)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("--force");
        IssuedCertificate second = ca.issue(BOARD, List.of(), YEAR, true);

        assertThat(second.revoked()).extracting(IndexEntry::serial).containsExactly(first.serial().toString(16));
        assertThat(loadWithCrl(ca, second).identity()).isEqualTo(BOARD);
        assertThat(ca.certificates()).extracting(IndexEntry::revoked).containsExactly(true, false);
    }

    @Test
    void issue_agentNamedLikeAController_isRefused() {
        CertificateAuthority ca = init("pki");
        ca.issue(new Identity("ctrl-1", Role.CONTROLLER), CertificateAuthority.DEFAULT_HOSTS, YEAR, false);

        // the MQTT client id is the CN: such an agent could take over the controller's session
        assertThatThrownBy(() -> ca.issue(new Identity("ctrl-1", Role.AGENT), List.of(), YEAR, false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("must differ");
    }

    @Test
    void issue_afterTheOldExpired_renewsWithoutForce() {
        CertificateAuthority ca = init("pki");
        Instant now = Instant.now();
        ca.issue(BOARD, List.of(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), false);

        assertThat(ca.issue(BOARD, List.of(), YEAR, false).revoked()).isEmpty();
    }

    @Test
    void issue_expiredThroughTheJavaApi_isRefusedByTlsMaterial() {
        CertificateAuthority ca = init("pki");
        Instant now = Instant.now();
        IssuedCertificate expired = ca.issue(BOARD, List.of(), now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)), false);

        assertThatThrownBy(() -> TlsMaterial.load(TlsFiles.bundle(expired.bundle())))
                .isInstanceOf(TlsFileException.class).hasMessageContaining("expired on");
    }

    @Test
    void issue_pastTheCasExpiry_isRefused() {
        CertificateAuthority ca = CertificateAuthority.init(tmp.resolve("short"), "Short CA", 30, Clock.systemUTC());

        assertThatThrownBy(() -> ca.issue(BOARD, List.of(), YEAR, false)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("outlive the CA");
    }

    @Test
    void revoke_byIdentity_putsItOnTheCrl() {
        CertificateAuthority ca = init("pki");
        IssuedCertificate issued = ca.issue(BOARD, List.of(), YEAR, false);
        IssuedCertificate other = ca.issue(new Identity("board-2", Role.AGENT), List.of(), YEAR, false);

        assertThat(ca.revoke(BOARD)).extracting(IndexEntry::serial).containsExactly(issued.serial().toString(16));

        assertThatThrownBy(() -> loadWithCrl(ca, issued)).isInstanceOf(TlsFileException.class)
                .hasMessageContaining("is revoked");
        assertThat(loadWithCrl(ca, other).identity().name()).isEqualTo("board-2");
        assertThatThrownBy(() -> ca.revoke(BOARD)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("no unrevoked certificate");
    }

    @Test
    void revoke_bySerial_putsItOnTheCrlAndAnUnknownSerialIsRefused() {
        CertificateAuthority ca = init("pki");
        IssuedCertificate issued = ca.issue(BOARD, List.of(), YEAR, false);

        assertThat(ca.revoke(issued.serial())).hasSize(1);
        assertThat(ca.revoke(issued.serial())).as("already revoked").isEmpty();
        assertThat(CertificateAuthority.open(ca.folder().dir(), Clock.systemUTC()).certificates())
                .extracting(IndexEntry::revoked).containsExactly(true);
        assertThatThrownBy(() -> loadWithCrl(ca, issued)).isInstanceOf(TlsFileException.class);
        assertThatThrownBy(() -> ca.revoke(java.math.BigInteger.TEN)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("no certificate with serial a");
    }

    @Test
    void certificateOfAnotherCa_isRefusedByThisCasMaterial() {
        CertificateAuthority ca = init("pki");
        CertificateAuthority foreign = init("foreign");
        IssuedCertificate stranger = foreign.issue(BOARD, List.of(), YEAR, false);

        assertThatThrownBy(() -> TlsMaterial.load(new TlsFiles(ca.folder().caCertificate(), stranger.certificate(),
                stranger.key(), null))).isInstanceOf(TlsFileException.class)
                .hasMessageContaining("not signed by the CA");
    }
}
