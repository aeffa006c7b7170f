package io.sigmaquant.protocol.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Signs certificates and CRLs with a CA's key: the X.509 half of {@code sigmaquant pki}, kept as pure functions
 * (keys and instants in, JCA objects out) so that tests of every TLS party can build their own fixtures.
 */
public record CertificateSigner(X509Certificate ca, PrivateKey caKey) {
    /** 128 random bits: unguessable, and positive so that the DER integer needs no sign byte games. */
    private static final int SERIAL_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 1123 labels of up to 63 characters, optionally a leading wildcard label. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");

    /** A new EC P-256 key pair, what every SigmaQuant certificate carries. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC P-256: " + e.getMessage(), e);
        }
    }

    /** A self-signed CA certificate ({@code CN=<name>, O=SigmaQuant}; basicConstraints CA, keyCertSign, cRLSign). */
    public static CertificateSigner selfSigned(KeyPair caKeys, String name, Instant notBefore, Instant notAfter) {
        // the builder escapes what a name may hold (commas, quotes) instead of parsing it as a DN
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Identity.ORGANISATION)
                .addRDN(BCStyle.CN, name).build();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, newSerial(),
                    Date.from(notBefore), Date.from(notAfter), subject, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = certificate(builder.build(signer(caKeys.getPrivate())));
            return new CertificateSigner(ca, caKeys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate for an identity. Agents get clientAuth; controllers serverAuth and clientAuth (one certificate
     * for HTTPS, the broker's listener and the MQTT client); brokers serverAuth only, so that TLS itself refuses
     * the broker's certificate as a client's. Controllers and brokers carry the host names or IP addresses as SANs.
     */
    public X509Certificate issue(Identity identity, PublicKey publicKey, Instant notBefore, Instant notAfter,
            List<String> hosts) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            int usage = KeyUsage.digitalSignature | ("RSA".equals(publicKey.getAlgorithm()) ? KeyUsage.keyEncipherment
                    : 0);
            KeyPurposeId[] purposes = switch (identity.role()) {
                case AGENT -> new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
                case CONTROLLER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
                case BROKER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
            };
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, newSerial(), Date.from(notBefore),
                    Date.from(notAfter), identity.subject(), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            hosts.stream().filter(h -> !isHostName(h)).findFirst().ifPresent(h -> {
                throw new IllegalArgumentException("not an IP address or DNS name: " + h);
            });
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(hosts));
            }
            return certificate(builder.build(signer(caKey)));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + identity + ": " + e.getMessage(), e);
        }
    }

    /** A CRL of the serials with their revocation times, valid from {@code thisUpdate} to {@code nextUpdate}. */
    public X509CRL crl(Map<BigInteger, Instant> revoked, Instant thisUpdate, Instant nextUpdate) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(
                    ca.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            revoked.forEach((serial, when) -> builder.addCRLEntry(serial, Date.from(when), CRLReason.unspecified));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            // a CRL number that grows with time lets readers tell the newer of two lists apart
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(
                    thisUpdate.toEpochMilli())));
            X509CRLHolder holder = builder.build(signer(caKey));
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the CRL: " + e.getMessage(), e);
        }
    }

    /** Whether a host can be a SAN: an IPv4 or IPv6 address, or a DNS name. */
    public static boolean isHostName(String host) {
        return host != null && (IPAddress.isValid(host) || DNS_NAME.matcher(host).matches());
    }

    private static GeneralNames subjectAlternativeNames(List<String> hosts) {
        return new GeneralNames(hosts.stream().map(host -> IPAddress.isValid(host)
                ? new GeneralName(GeneralName.iPAddress, host)
                : new GeneralName(GeneralName.dNSName, host)).toArray(GeneralName[]::new));
    }

    private static BigInteger newSerial() {
        return new BigInteger(SERIAL_BITS, RANDOM).setBit(0); // never zero
    }

    private static ContentSigner signer(PrivateKey key) throws GeneralSecurityException {
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaContentSignerBuilder(algorithm).build(key);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(X509CertificateHolder holder) throws CertificateException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
