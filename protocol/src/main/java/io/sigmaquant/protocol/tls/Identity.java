package io.sigmaquant.protocol.tls;

import io.sigmaquant.protocol.Topics;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who a certificate speaks for: subject {@code CN=<name>, OU=<role>, O=SigmaQuant}. An agent's name is its agent
 * id (and its MQTT client id); a controller's name is its MQTT client id too.
 */
public record Identity(String name, Role role) {
    /** The organisation every certificate of a SigmaQuant installation carries. */
    public static final String ORGANISATION = "SigmaQuant";

    public Identity {
        if (!Topics.isValidAgentId(name)) {
            throw new IllegalArgumentException("name must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}: " + name);
        }
        if (role == null) {
            throw new IllegalArgumentException("role is required");
        }
    }

    /** The identity in a certificate's subject, or an exception saying what is missing. */
    public static Identity of(X509Certificate certificate) {
        return find(certificate).orElseThrow(() -> new IllegalArgumentException("subject "
                + certificate.getSubjectX500Principal().getName()
                + " is not a SigmaQuant identity (CN=<name>, OU=agent|controller|broker)"));
    }

    /** The identity, or empty for a certificate that is not one of ours (a peer from another CA). */
    public static Optional<Identity> find(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        Optional<String> name = single(subject, BCStyle.CN).filter(Topics::isValidAgentId);
        Optional<Role> role = single(subject, BCStyle.OU).flatMap(Role::fromWire);
        if (name.isEmpty() || role.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(name.get(), role.get()));
    }

    /** The subject a certificate for this identity carries. */
    public X500Name subject() {
        // most significant first, as DER order goes; printed (RFC 2253) it reads CN=..,OU=..,O=SigmaQuant
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANISATION).addRDN(BCStyle.OU, role.wire())
                .addRDN(BCStyle.CN, name).build();
    }

    // two CNs or two OUs would make the identity ambiguous: refuse rather than pick one
    private static Optional<String> single(X500Name subject, ASN1ObjectIdentifier type) {
        RDN[] rdns = subject.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return Optional.empty();
        }
        return Optional.of(IETFUtils.valueToString(rdns[0].getFirst().getValue()));
    }
}
