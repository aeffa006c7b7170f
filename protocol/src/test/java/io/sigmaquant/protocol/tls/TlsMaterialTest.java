package io.sigmaquant.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that good PEM files load and that each kind of bad file is refused with one line naming it. */
class TlsMaterialTest {
    @TempDir
    Path tmp;

    private TlsFixtures pki() {
        return new TlsFixtures(tmp.resolve("pki"), "Test CA");
    }

    private static void assertRefused(ThrowingCallable load, Path file, String... fragments) {
        assertThatThrownBy(load).isInstanceOfSatisfying(TlsFileException.class, e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n").contains(fragments);
        });
    }

    @Test
    void load_bundle_givesIdentityCertificateAndKey() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures.Leaf leaf = pki.agent("board-7");

        TlsMaterial material = TlsMaterial.load(TlsFiles.bundle(pki.bundle("board-7", leaf)));

        assertThat(material.identity()).isEqualTo(new Identity("board-7", Role.AGENT));
        assertThat(material.ca()).isEqualTo(pki.signer.ca());
        assertThat(material.certificate()).isEqualTo(leaf.certificate());
        assertThat(material.key().getEncoded()).isEqualTo(leaf.key().getEncoded());
        assertThat(material.sslContext().getProtocol()).isEqualTo("TLS");
        assertThat(material.trustOnly()).isNotNull();
    }

    @Test
    void load_bundleInAnotherOrder_isAccepted() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures.Leaf leaf = pki.agent("board-8");
        Path bundle = pki.write("ca-first.pem", Pem.encode(leaf.key(), pki.signer.ca(), leaf.certificate()));

        TlsMaterial material = TlsMaterial.load(TlsFiles.bundle(bundle));

        assertThat(material.ca()).isEqualTo(pki.signer.ca());
        assertThat(material.certificate()).isEqualTo(leaf.certificate());
    }

    @Test
    void load_separateFilesWithTraditionalEcKey_isAccepted() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures.Leaf leaf = pki.controller("controller");
        TlsFiles files = pki.files("controller", leaf);
        Files.writeString(files.key(), opensslTraditional(leaf));
        assertThat(Files.readString(files.key())).contains("BEGIN EC PRIVATE KEY");

        assertThat(TlsMaterial.load(files).identity()).isEqualTo(new Identity("controller", Role.CONTROLLER));
    }

    /** The SEC1 form `openssl ecparam -genkey` writes: the curve and the public point inside "EC PRIVATE KEY". */
    private static String opensslTraditional(TlsFixtures.Leaf leaf) throws Exception {
        var pkcs8 = PrivateKeyInfo.getInstance(leaf.key().getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        var publicKey = SubjectPublicKeyInfo.getInstance(leaf.certificate().getPublicKey().getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), publicKey.getPublicKeyData(),
                pkcs8.getPrivateKeyAlgorithm().getParameters());
        java.io.StringWriter text = new java.io.StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
        return text.toString();
    }

    @Test
    void load_rsaKey_isAccepted() throws Exception {
        TlsFixtures pki = pki();
        KeyPair rsa = TlsFixtures.rsaKeyPair();
        TlsFixtures.Leaf leaf = pki.leaf(new Identity("rsa-board", Role.AGENT), rsa,
                Instant.now().minus(TlsFixtures.DAY), Instant.now().plus(TlsFixtures.DAY));

        assertThat(TlsMaterial.load(pki.files("rsa", leaf)).key().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void load_caOnly_verifiesButHasNoCertificate() throws Exception {
        TlsMaterial material = TlsMaterial.load(TlsFiles.caOnly(pki().caFile()));

        assertThat(material.hasCertificate()).isFalse();
        assertThat(material.trustOnly()).isNotNull();
        assertThatThrownBy(material::identity).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void load_garbageCertificate_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        Files.write(files.cert(), new byte[] {0, 1, 2, (byte) 0xff, 'x', '\n'});

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "not a PEM file");
    }

    @Test
    void load_truncatedCertificate_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        String pem = Files.readString(files.cert());
        Files.writeString(files.cert(), pem.substring(0, pem.length() / 2));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "malformed");
    }

    @Test
    void load_certificateWithCorruptBody_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        String[] lines = Files.readString(files.cert()).split("\n");
        lines[3] = "AAAA" + lines[3].substring(4); // inside the DER: a valid base64 line with wrong bytes
        Files.writeString(files.cert(), String.join("\n", lines));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "malformed");
    }

    @Test
    void load_malformedKey_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        Files.writeString(files.key(), "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAAS=\n"
                + "-----END PRIVATE KEY-----\n");

        assertRefused(() -> TlsMaterial.load(files), files.key(), "malformed");
    }

    @Test
    void load_certificateGivenAsKey_isRefusedNamingTheKeyFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));

        assertRefused(() -> TlsMaterial.load(new TlsFiles(files.ca(), files.cert(), files.cert(), null)),
                files.cert(), "no private key");
    }

    @Test
    void load_keyOfAnotherCertificate_isRefusedNamingTheKeyFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        Files.writeString(files.key(), Pem.encode(pki.agent("b").key()));

        assertRefused(() -> TlsMaterial.load(files), files.key(), "does not match the certificate in " + files.cert());
    }

    @Test
    void load_rsaKeyForEcCertificate_isRefusedNamingTheKeyFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));
        Files.writeString(files.key(), Pem.encode(TlsFixtures.rsaKeyPair().getPrivate()));

        assertRefused(() -> TlsMaterial.load(files), files.key(), "RSA key does not match the EC certificate");
    }

    @Test
    void load_leafGivenAsCa_isRefusedAsNotACa() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("a", pki.agent("a"));

        assertRefused(() -> TlsMaterial.load(new TlsFiles(files.cert(), files.cert(), files.key(), null)),
                files.cert(), "not a CA certificate", "basicConstraints");
    }

    @Test
    void load_expiredCertificate_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("old", pki.expiredAgent("old"));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "expired on");
    }

    @Test
    void load_notYetValidCertificate_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("early", pki.leaf(new Identity("early", Role.AGENT), CertificateSigner.newKeyPair(),
                Instant.now().plus(TlsFixtures.DAY), Instant.now().plus(TlsFixtures.DAY.multipliedBy(2))));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "not valid before");
    }

    @Test
    void load_certificateOfAnotherCa_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures foreign = new TlsFixtures(tmp.resolve("foreign"), "Foreign CA");
        TlsFiles files = foreign.files("a", foreign.agent("a"));
        TlsFiles mixed = new TlsFiles(pki.caFile(), files.cert(), files.key(), null);

        assertRefused(() -> TlsMaterial.load(mixed), files.cert(), "not signed by the CA in " + mixed.ca());
    }

    @Test
    void load_revokedCertificate_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures.Leaf leaf = pki.agent("a");
        TlsFiles files = pki.files("a", leaf).withCrl(pki.crl(leaf.certificate().getSerialNumber()));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "is revoked");
    }

    @Test
    void load_crlOfAnotherCa_isRefusedNamingTheCrl() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures foreign = new TlsFixtures(tmp.resolve("foreign"), "Foreign CA");
        TlsFiles files = pki.files("a", pki.agent("a")).withCrl(foreign.crl());

        assertRefused(() -> TlsMaterial.load(files), files.crl(), "CRL not signed by the CA");
    }

    @Test
    void load_certificateWithoutSigmaQuantIdentity_isRefusedNamingTheFile() throws Exception {
        TlsFixtures pki = pki();
        TlsFiles files = pki.files("ca-as-leaf", new TlsFixtures.Leaf(pki.signer.ca(), pki.caKeys.getPrivate()));

        assertRefused(() -> TlsMaterial.load(files), files.cert(), "not a SigmaQuant identity");
    }

    @Test
    void load_missingFile_isRefusedNamingTheFile() throws Exception {
        Path missing = tmp.resolve("nope.pem");

        assertRefused(() -> TlsMaterial.load(TlsFiles.bundle(missing)), missing, "cannot read");
    }

    @Test
    void revocations_listSerialsOfTheirCaOnly() throws Exception {
        TlsFixtures pki = pki();
        TlsFixtures.Leaf revoked = pki.agent("gone");
        TlsFixtures.Leaf kept = pki.agent("kept");
        Revocations revocations = Revocations.load(pki.crl(revoked.certificate().getSerialNumber()));

        assertThat(revocations.revoked(revoked.certificate())).isTrue();
        assertThat(revocations.revoked(kept.certificate())).isFalse();
        assertThat(Revocations.NONE.revoked(revoked.certificate())).isFalse();
        assertThat(Arrays.asList(TlsMaterial.PROTOCOLS.toArray())).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
