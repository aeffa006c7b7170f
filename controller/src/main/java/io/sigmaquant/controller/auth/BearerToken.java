package io.sigmaquant.controller.auth;

/** Reads the token of an {@code Authorization: Bearer <token>} header (RFC 6750; the scheme is case-insensitive). */
public final class BearerToken {
    private static final String SCHEME = "bearer ";

    private BearerToken() {
    }

    /** The token, or null when the header is absent, of another scheme, or empty. */
    public static String of(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }
}
