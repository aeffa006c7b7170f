package io.sigmaquant.controller.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Makes API tokens and the digests the store keeps instead of them. */
public final class TokenSecrets {
    /** Marks a SigmaQuant token in logs and secret scanners. */
    public static final String PREFIX = "sq_";
    /** 256 random bits: as many as the digest, so that guessing a token is as hard as inverting SHA-256. */
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    public static String newToken() {
        byte[] b = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * The hex SHA-256 of a token. A plain fast hash is enough here, unlike for passwords: a token is 256 random
     * bits, not something a person chose, so there is no dictionary to try and a slow hash (bcrypt, Argon2)
     * would add nothing but latency to every request.
     */
    public static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
