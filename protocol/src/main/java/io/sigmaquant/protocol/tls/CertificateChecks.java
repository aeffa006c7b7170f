package io.sigmaquant.protocol.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The checks {@link TlsMaterial#load} runs on what it read (the CA reuses them on its own files); each failure
 * is a {@link TlsFileException} naming the file at fault.
 */
public final class CertificateChecks {
    private CertificateChecks() {
    }

    /** The first CA certificate in the file (basicConstraints CA=true). */
    public static X509Certificate caIn(Path file, List<X509Certificate> certificates) {
        return certificates.stream().filter(c -> c.getBasicConstraints() >= 0).findFirst()
                .orElseThrow(() -> new TlsFileException(file, "not a CA certificate (no basicConstraints CA=true): "
                        + certificates.get(0).getSubjectX500Principal().getName()));
    }

    /** The first certificate that is not the CA's (a bundle holds both), else the first one. */
    public static X509Certificate leafIn(List<X509Certificate> certificates, X509Certificate ca) {
        return certificates.stream().filter(c -> !c.equals(ca)).findFirst().orElse(certificates.get(0));
    }

    public static void requireCurrent(Path file, X509Certificate certificate) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new TlsFileException(file, "certificate " + subject(certificate) + " expired on "
                    + certificate.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new TlsFileException(file, "certificate " + subject(certificate) + " is not valid before "
                    + certificate.getNotBefore().toInstant(), e);
        }
    }

    public static void requireSignedBy(Path file, X509Certificate certificate, Path caFile, X509Certificate ca) {
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(file, "certificate " + subject(certificate) + " is not signed by the CA in "
                    + caFile, e);
        }
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new TlsFileException(file, "certificate issuer " + certificate.getIssuerX500Principal().getName()
                    + " is not the CA in " + caFile);
        }
    }

    /**
     * Proves that the key belongs to the certificate: a signature made with the key must verify with the
     * certificate's public key. Works alike for EC and RSA without deriving a public key from a private one.
     */
    public static void requireKeyMatches(Path keyFile, PrivateKey key, Path certFile, X509Certificate certificate) {
        String keyAlgorithm = key.getAlgorithm();
        String certAlgorithm = certificate.getPublicKey().getAlgorithm();
        if (!keyAlgorithm.equals(certAlgorithm)) {
            throw new TlsFileException(keyFile, "the " + keyAlgorithm + " key does not match the " + certAlgorithm
                    + " certificate in " + certFile);
        }
        String signatureAlgorithm = switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new TlsFileException(keyFile, "unsupported key algorithm " + keyAlgorithm
                    + " (EC or RSA)");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(keyFile, "unusable " + keyAlgorithm + " key (" + e.getMessage() + ")", e);
        }
        if (!matches) {
            throw new TlsFileException(keyFile, "the key does not match the certificate in " + certFile);
        }
    }

    public static void requireNotRevoked(Path file, X509Certificate certificate, Revocations revocations,
            Path crlFile) {
        if (revocations.revoked(certificate)) {
            throw new TlsFileException(file, "certificate " + subject(certificate) + " (serial "
                    + certificate.getSerialNumber().toString(16) + ") is revoked in " + crlFile);
        }
    }

    public static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
