package io.sigmaquant.controller.artifacts;

import io.sigmaquant.controller.auth.BearerToken;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who may download models from a secured controller: a client that presented a certificate of this installation
 * (an agent or a controller, never a broker's server certificate; the TLS handshake has already checked it against
 * the CA and the CRL), or one with a valid API token. Anyone else gets a 401: a model's SHA-256 is in every job message, so knowing it proves nothing.
 */
public final class ModelAccess implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final Predicate<String> validToken;

    /** @param validToken whether a bearer token is known and not revoked (blocking: run off the event loop) */
    public ModelAccess(Vertx vertx, Predicate<String> validToken) {
        this.vertx = vertx;
        this.validToken = validToken;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (installationCertificate(ctx)) {
            ctx.next();
            return;
        }
        String token = BearerToken.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            refuse(ctx);
            return;
        }
        vertx.executeBlocking(() -> validToken.test(token), false).onComplete(r -> {
            if (r.succeeded() && r.result()) {
                ctx.next();
            } else {
                refuse(ctx);
            }
        });
    }

    private static boolean installationCertificate(RoutingContext ctx) {
        if (!ctx.request().isSSL()) {
            return false;
        }
        try {
            List<Certificate> chain = ctx.request().connection().peerCertificates();
            return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate c && admits(c);
        } catch (SSLPeerUnverifiedException e) {
            return false; // no certificate presented
        }
    }

    /**
     * Whether a client certificate the handshake accepted may download: an agent's or a controller's. A broker's
     * is serverAuth only, so TLS refuses it as a client's already; it is refused here too, so that its holder never
     * gets models should a TLS stack accept it.
     */
    static boolean admits(X509Certificate certificate) {
        return Identity.find(certificate).filter(i -> i.role() != Role.BROKER).isPresent();
    }

    private static void refuse(RoutingContext ctx) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"sigmaquant\"")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(io.vertx.core.json.Json.encode(Map.of("error", "models are served to agents and controllers of "
                        + "this installation (a client certificate) or to a client with an API token")));
    }
}
