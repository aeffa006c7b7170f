package io.sigmaquant.protocol.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real certificates for tests: a CA per instance, leaves issued on demand, files written into a folder. */
final class TlsFixtures {
    static final Duration DAY = Duration.ofDays(1);

    final Path dir;
    final KeyPair caKeys = CertificateSigner.newKeyPair();
    final CertificateSigner signer;

    TlsFixtures(Path dir, String caName) {
        this.dir = dir;
        Instant now = Instant.now();
        this.signer = CertificateSigner.selfSigned(caKeys, caName, now.minus(DAY), now.plus(DAY.multipliedBy(30)));
    }

    /** One issued certificate with its key. */
    record Leaf(X509Certificate certificate, PrivateKey key) {
    }

    Leaf agent(String id) {
        return leaf(new Identity(id, Role.AGENT), CertificateSigner.newKeyPair(), Instant.now().minus(DAY),
                Instant.now().plus(DAY));
    }

    Leaf controller(String name) {
        KeyPair keys = CertificateSigner.newKeyPair();
        X509Certificate certificate = signer.issue(new Identity(name, Role.CONTROLLER), keys.getPublic(),
                Instant.now().minus(DAY), Instant.now().plus(DAY), List.of("localhost", "127.0.0.1"));
        return new Leaf(certificate, keys.getPrivate());
    }

    Leaf leaf(Identity identity, KeyPair keys, Instant notBefore, Instant notAfter) {
        return new Leaf(signer.issue(identity, keys.getPublic(), notBefore, notAfter, List.of()), keys.getPrivate());
    }

    Leaf expiredAgent(String id) {
        return leaf(new Identity(id, Role.AGENT), CertificateSigner.newKeyPair(),
                Instant.now().minus(DAY.multipliedBy(3)), Instant.now().minus(DAY));
    }

    static KeyPair rsaKeyPair() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    Path caFile() throws IOException {
        return write("ca.crt", Pem.encode(signer.ca()));
    }

    Path bundle(String name, Leaf leaf) throws IOException {
        return write(name + ".pem", Pem.encode(leaf.certificate(), signer.ca(), leaf.key()));
    }

    TlsFiles files(String name, Leaf leaf) throws IOException {
        return new TlsFiles(caFile(), write(name + ".crt", Pem.encode(leaf.certificate())),
                write(name + ".key", Pem.encode(leaf.key())), null);
    }

    Path crl(BigInteger... serials) throws IOException {
        Map<BigInteger, Instant> revoked = new HashMap<>();
        for (BigInteger serial : serials) {
            revoked.put(serial, Instant.now());
        }
        return write("crl.pem", Pem.encode(signer.crl(revoked, Instant.now(), Instant.now().plus(DAY))));
    }

    Path write(String name, String text) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), text);
    }
}
