package io.sigmaquant.controller.broker;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import io.sigmaquant.controller.files.RevocationFile;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a client in only with a client certificate (the TLS listener has already checked that the CA signed it
 * and that it is in date) that is not revoked, whose CN is the client id and whose OU names an agent or a
 * controller (never a broker: {@link Role#BROKER} is a server's identity only); it then gets the role's topics
 * ({@link FleetPermissions}) and nothing else. It remembers each admitted certificate, so that a client whose
 * certificate is revoked later can be disconnected ({@link #revokedSinceAdmitted}).
 */
final class CertificateAuthenticator implements SimpleAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthenticator.class);

    private final RevocationFile revocations;
    /** The certificate each client let in showed, so that a later revocation can end its connection. */
    private final Map<String, X509Certificate> admitted = new ConcurrentHashMap<>();

    /** @param revocations the CA's list, or null when the installation has none */
    CertificateAuthenticator(RevocationFile revocations) {
        this.revocations = revocations;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String clientId = input.getConnectPacket().getClientId();
        Optional<X509Certificate> certificate = input.getConnectionInformation().getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
        if (certificate.isEmpty()) {
            refuse(output, clientId, "no client certificate");
            return;
        }
        Identity identity;
        try {
            identity = Identity.of(certificate.get());
        } catch (RuntimeException e) {
            refuse(output, clientId, "the certificate names no SigmaQuant identity (" + e.getMessage() + ")");
            return;
        }
        if (identity.role() == Role.BROKER) {
            // serverAuth only: TLS normally refuses it already; a broker's key must never act as a fleet member
            refuse(output, clientId, identity.name() + " is a broker's certificate, which has no MQTT rights");
            return;
        }
        if (revocations != null && revocations.revoked(certificate.get())) {
            refuse(output, clientId, "certificate of " + identity.name() + " is revoked");
            return;
        }
        if (!identity.name().equals(clientId)) {
            refuse(output, clientId, "client id differs from the certificate's CN " + identity.name());
            return;
        }
        output.getDefaultPermissions().addAll(FleetPermissions.of(identity));
        output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        admitted.put(clientId, certificate.get());
        output.authenticateSuccessfully();
    }

    /**
     * The clients let in whose certificate has been revoked since (the CRL file is read again when it changed);
     * each is returned once.
     */
    List<String> revokedSinceAdmitted() {
        if (revocations == null) {
            return List.of();
        }
        List<String> revoked = new ArrayList<>();
        admitted.forEach((clientId, certificate) -> {
            if (revocations.revoked(certificate) && admitted.remove(clientId, certificate)) {
                revoked.add(clientId);
            }
        });
        return revoked;
    }

    private static void refuse(SimpleAuthOutput output, String clientId, String why) {
        // the client id is the client's own text: no control characters into the log
        LOG.warn("refused MQTT client {}: {}", clientId == null ? "" : clientId.replaceAll("\\p{Cntrl}", "?"), why);
        output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, why);
    }
}
