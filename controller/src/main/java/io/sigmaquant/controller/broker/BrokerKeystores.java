package io.sigmaquant.controller.broker;

import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded broker's TLS files, made from the controller's certificate and key: HiveMQ reads key and trust
 * from keystores, not PEM. The keystore holds the private key, so it is owner-only; its password is new at every
 * start and written only into the broker's own (owner-only) configuration.
 */
record BrokerKeystores(Path keystore, Path truststore, String password) {
    static BrokerKeystores write(TlsMaterial tls, Path dir) throws IOException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        char[] chars = password.toCharArray();
        Path keystore = dir.resolve("broker-key.p12");
        Path truststore = dir.resolve("broker-trust.p12");
        AtomicFile.writeOwnerOnly(keystore, bytes(tls.keyStore(chars), chars));
        AtomicFile.writeOwnerOnly(truststore, bytes(tls.trustStore(), chars));
        return new BrokerKeystores(keystore, truststore, password);
    }

    private static byte[] bytes(KeyStore store, char[] password) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the broker's keystores: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
