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
 * (an agent or a controller, never a broker's server certificate; the TLS handshake has checked it against the CA)
 * that is not revoked, or one with a valid API token. Anyone else gets a 401: a model's SHA-256 is in every job
 * message, so knowing it proves nothing. Revocation is checked here, per request, rather than only in the
 * handshake: the server's trust manager holds the CRL of its start, and a board revoked since must not keep
 * downloading until a restart.
 */
public final class ModelAccess implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final Predicate<String> validToken;
    private final Predicate<X509Certificate> revoked;

    /**
     * @param validToken whether a bearer token is known and not revoked (blocking: run off the event loop)
     * @param revoked    whether a certificate is on the CA's current revocation list (blocking, likewise)
     */
    public ModelAccess(Vertx vertx, Predicate<String> validToken, Predicate<X509Certificate> revoked) {
        this.vertx = vertx;
        this.validToken = validToken;
        this.revoked = revoked;
    }

    @Override
    public void handle(RoutingContext ctx) {
        X509Certificate certificate = installationCertificate(ctx);
        if (certificate != null) {
            vertx.executeBlocking(() -> !revoked.test(certificate), false).onComplete(r -> admit(ctx, r.succeeded()
                    && r.result()));
            return;
        }
        String token = BearerToken.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            refuse(ctx);
            return;
        }
        vertx.executeBlocking(() -> validToken.test(token), false).onComplete(r -> admit(ctx, r.succeeded()
                && r.result()));
    }

    private static void admit(RoutingContext ctx, boolean allowed) {
        if (allowed) {
            ctx.next();
        } else {
            refuse(ctx);
        }
    }

    /** The client's certificate when it names an agent or a controller of this installation, else null. */
    private static X509Certificate installationCertificate(RoutingContext ctx) {
        if (!ctx.request().isSSL()) {
            return null;
        }
        try {
            List<Certificate> chain = ctx.request().connection().peerCertificates();
            return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate c && admits(c) ? c
                    : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no certificate presented
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
