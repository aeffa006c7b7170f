package io.sigmaquant.controller.wiring;

import io.sigmaquant.protocol.tls.TlsMaterial;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;

/** The HTTP server's options: HTTPS with the controller's certificate when the installation has TLS files. */
final class HttpsServer {
    private HttpsServer() {
    }

    /**
     * @param tls the controller's material, or null for plain HTTP
     * @return options that ask clients for a certificate ({@link ClientAuth#REQUEST}: agents present theirs to
     *         fetch models, browsers and API clients need none) and check any presented one against the CA and CRL
     */
    static HttpServerOptions options(TlsMaterial tls, int maxFormFieldBytes) {
        HttpServerOptions o = new HttpServerOptions().setMaxFormAttributeSize(maxFormFieldBytes);
        if (tls == null) {
            return o;
        }
        char[] password = UUID.randomUUID().toString().toCharArray();
        try {
            // the key only lives in memory: a throw-away password for the in-memory key store
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(tls.keyStore(password), password);
            return o.setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(keys))
                    .setTrustOptions(TrustOptions.wrap(tls.trustManager())).setClientAuth(ClientAuth.REQUEST)
                    .setEnabledSecureTransportProtocols(new LinkedHashSet<>(TlsMaterial.PROTOCOLS));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the HTTPS key manager: " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
