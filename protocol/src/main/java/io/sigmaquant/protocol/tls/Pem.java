package io.sigmaquant.protocol.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text of certificates, CRLs and keys (keys as unencrypted PKCS#8, for owner-only files). */
public final class Pem {
    private Pem() {
    }

    /** The objects one after the other, e.g. a bundle: certificate, CA certificate, key. */
    public static String encode(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                if (o instanceof java.security.PrivateKey key) {
                    writer.writeObject(new JcaPKCS8Generator(key, null));
                } else {
                    writer.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PEM: " + e.getMessage(), e);
        }
        return text.toString();
    }
}
