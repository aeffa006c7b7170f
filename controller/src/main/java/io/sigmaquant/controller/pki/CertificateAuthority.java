package io.sigmaquant.controller.pki;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.protocol.tls.CertificateChecks;
import io.sigmaquant.protocol.tls.CertificateSigner;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Pem;
import io.sigmaquant.protocol.tls.PemFile;
import io.sigmaquant.protocol.tls.Role;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * The certificate authority of one installation, kept in a folder ({@link PkiFolder}): issues agent, controller
 * and broker certificates, revokes them and keeps {@code crl.pem} in step with {@code index.json}. Every file is
 * written atomically and owner-only; private keys are never printed or logged.
 */
public final class CertificateAuthority {
    public static final String DEFAULT_DIR_NAME = "sigmaquant-pki";
    public static final Path DEFAULT_DIR = Path.of(DEFAULT_DIR_NAME);
    public static final String DEFAULT_NAME = "SigmaQuant CA";
    public static final int DEFAULT_CA_DAYS = 3650;
    public static final int DEFAULT_DAYS = 365;
    /** The names a controller certificate is valid for when no --host is given: the one-machine set-up. */
    public static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1");
    /** How long a CRL is current; re-signed on every revoke and by {@code pki crl}. */
    public static final int CRL_DAYS = 30;
    public static final Duration CRL_VALIDITY = Duration.ofDays(CRL_DAYS);
    /** Names never given to an agent: the controller and broker names of the shipped ACL and README. */
    public static final Set<String> RESERVED_NAMES = Set.of("controller", "broker");
    /** notBefore lies this far back so that a board whose clock runs a little behind accepts a fresh certificate. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final PkiFolder folder;
    private final CertificateSigner signer;
    private final CertificateIndex index;
    private final Clock clock;

    private CertificateAuthority(PkiFolder folder, CertificateSigner signer, CertificateIndex index, Clock clock) {
        this.folder = folder;
        this.signer = signer;
        this.index = index;
        this.clock = clock;
    }

    /** Creates a CA (EC P-256 key, self-signed certificate, empty CRL) in a folder that holds none yet. */
    public static CertificateAuthority init(Path dir, String name, int days, Clock clock) {
        if (days < 1) {
            throw new IllegalArgumentException("days must be positive: " + days);
        }
        PkiFolder folder = new PkiFolder(dir);
        if (Files.exists(folder.caKey()) || Files.exists(folder.caCertificate())) {
            throw new UserInputException(dir + ": already holds a CA (" + folder.caCertificate().getFileName()
                    + "); refusing to overwrite it (give another --dir)");
        }
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new UserInputException("--name must be 1 to 64 characters: " + name);
        }
        PkiFolder.createOwnerOnly(dir);
        KeyPair keys = CertificateSigner.newKeyPair();
        Instant now = clock.instant();
        CertificateSigner signer = CertificateSigner.selfSigned(keys, name, now.minus(CLOCK_SKEW),
                now.plus(Duration.ofDays(days)));
        AtomicFile.writeOwnerOnly(folder.caKey(), pem(keys.getPrivate()));
        AtomicFile.writeOwnerOnly(folder.caCertificate(), pem(signer.ca()));
        CertificateAuthority ca = new CertificateAuthority(folder, signer, CertificateIndex.empty(folder.index()),
                clock);
        ca.index.save();
        ca.writeCrl();
        return ca;
    }

    /** The CA in a folder made by {@link #init}; its key must be its certificate's. */
    public static CertificateAuthority open(Path dir, Clock clock) {
        PkiFolder folder = new PkiFolder(dir);
        if (!Files.exists(folder.caKey()) || !Files.exists(folder.caCertificate())) {
            throw new UserInputException(dir + ": holds no CA (create one with: sigmaquant pki init --dir " + dir
                    + ")");
        }
        X509Certificate ca = CertificateChecks.caIn(folder.caCertificate(),
                PemFile.read(folder.caCertificate()).certificates());
        PrivateKey key = PemFile.read(folder.caKey()).privateKey();
        CertificateChecks.requireKeyMatches(folder.caKey(), key, folder.caCertificate(), ca);
        CertificateIndex index = Files.exists(folder.index()) ? CertificateIndex.load(folder.index())
                : CertificateIndex.empty(folder.index());
        return new CertificateAuthority(folder, new CertificateSigner(ca, key), index, clock);
    }

    public PkiFolder folder() {
        return folder;
    }

    public X509Certificate certificate() {
        return signer.ca();
    }

    /** Every certificate issued, revoked ones included, oldest first. */
    public List<IndexEntry> certificates() {
        return index.entries();
    }

    /** A certificate valid from now (less the clock skew) for {@code validity}. */
    public IssuedCertificate issue(Identity identity, List<String> hosts, Duration validity, boolean replace) {
        Instant now = clock.instant();
        return issue(identity, hosts, now.minus(CLOCK_SKEW), now.plus(validity), replace);
    }

    /**
     * A key and certificate for the identity, written as bundle, certificate and key. An identity that still
     * has a current certificate is refused unless {@code replace}, which revokes the old one first; an expired
     * or revoked one is simply renewed. Any notBefore/notAfter is taken, so that tests can issue expired ones.
     */
    public IssuedCertificate issue(Identity identity, List<String> hosts, Instant notBefore, Instant notAfter,
            boolean replace) {
        hosts.forEach(CertificateAuthority::requireHostName);
        if (notAfter.isAfter(signer.ca().getNotAfter().toInstant())) {
            throw new UserInputException("the certificate would outlive the CA, which expires on "
                    + signer.ca().getNotAfter().toInstant() + "; give fewer --days");
        }
        requireNameFree(identity);
        List<IndexEntry> current = index.entries().stream()
                .filter(e -> e.isFor(identity) && !e.revoked() && !e.expiredAt(clock.instant())).toList();
        if (!current.isEmpty() && !replace) {
            IndexEntry old = current.get(0);
            throw new UserInputException(identity.role().wire() + " " + identity.name()
                    + " already has a current certificate (serial " + old.serial() + ", until " + old.notAfter()
                    + "); give --force to revoke it and issue a new one");
        }
        KeyPair keys = CertificateSigner.newKeyPair();
        X509Certificate certificate = signer.issue(identity, keys.getPublic(), notBefore, notAfter, hosts);
        PkiFolder.createOwnerOnly(folder.roleDir(identity.role()));
        AtomicFile.writeOwnerOnly(folder.key(identity), pem(keys.getPrivate()));
        AtomicFile.writeOwnerOnly(folder.certificate(identity), pem(certificate));
        AtomicFile.writeOwnerOnly(folder.bundle(identity), pem(certificate, signer.ca(), keys.getPrivate()));
        current.forEach(e -> index.replace(e, e.revokedAt(clock.instant().truncatedTo(ChronoUnit.SECONDS))));
        Instant expiry = certificate.getNotAfter().toInstant(); // X.509 keeps whole seconds
        index.add(IndexEntry.issued(identity, certificate.getSerialNumber(), expiry));
        index.save();
        if (!current.isEmpty()) {
            writeCrl();
        }
        return new IssuedCertificate(identity, certificate.getSerialNumber(), expiry, folder.bundle(identity),
                folder.certificate(identity), folder.key(identity), current);
    }

    /** Revokes every unrevoked certificate of the identity; refused when there is none. */
    public List<IndexEntry> revoke(Identity identity) {
        List<IndexEntry> targets = index.entries().stream().filter(e -> e.isFor(identity) && !e.revoked()).toList();
        if (targets.isEmpty()) {
            throw new UserInputException(folder.index() + ": no unrevoked certificate for " + identity.role().wire()
                    + " " + identity.name());
        }
        return revokeAll(targets);
    }

    /** Revokes the certificate with this serial; refused when the index does not know it. */
    public List<IndexEntry> revoke(BigInteger serial) {
        IndexEntry target = index.entries().stream().filter(e -> e.serialNumber().equals(serial)).findFirst()
                .orElseThrow(() -> new UserInputException(folder.index() + ": no certificate with serial "
                        + serial.toString(16)));
        return target.revoked() ? List.of() : revokeAll(List.of(target));
    }

    /** Signs {@code crl.pem} afresh from the index (the CRL is current for {@link #CRL_VALIDITY}). */
    public Path writeCrl() {
        Instant now = clock.instant();
        AtomicFile.writeOwnerOnly(folder.crl(), pem(signer.crl(index.revoked(), now, now.plus(CRL_VALIDITY))));
        return folder.crl();
    }

    private List<IndexEntry> revokeAll(List<IndexEntry> targets) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // as the CRL keeps it
        List<IndexEntry> revoked = targets.stream().map(e -> e.revokedAt(now)).toList();
        for (int i = 0; i < targets.size(); i++) {
            index.replace(targets.get(i), revoked.get(i));
        }
        index.save();
        writeCrl();
        return revoked;
    }

    /**
     * Agent ids, controller and broker names share one space, the MQTT client ids, and Mosquitto's ACL grants by
     * name alone (docker/mosquitto/acl: {@code user controller}): an agent named like a controller would get the
     * controller's rights there, whether or not that controller's certificate exists yet. So the names the
     * shipped ACL and README use are never agent ids, and a name once issued to one role — revoked or not, since
     * an ACL block may still name it — is never issued to another.
     */
    private void requireNameFree(Identity identity) {
        if (identity.role() == Role.AGENT && RESERVED_NAMES.contains(identity.name())) {
            throw new UserInputException(identity.name() + " is reserved for controllers and brokers (Mosquitto's "
                    + "ACL grants rights by name, not by role); choose another agent id");
        }
        index.entries().stream().filter(e -> e.name().equals(identity.name())
                && !e.role().equals(identity.role().wire())).findFirst().ifPresent(e -> {
                    throw new UserInputException(identity.name() + " is already used by the " + e.role()
                            + " certificate with serial " + e.serial() + (e.revoked() ? " (revoked)" : "")
                            + "; agent ids, controller and broker names must differ");
                });
    }

    private static void requireHostName(String host) {
        if (!CertificateSigner.isHostName(host)) {
            throw new UserInputException("--host " + host + " is neither an IP address nor a DNS name");
        }
    }

    private static byte[] pem(Object... objects) {
        return Pem.encode(objects).getBytes(StandardCharsets.US_ASCII);
    }
}
