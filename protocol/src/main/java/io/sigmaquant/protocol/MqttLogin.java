package io.sigmaquant.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.net.ssl.SSLContext;

/**
 * How an MQTT client proves who it is, for both sides' connections: TLS (a context holding the client's
 * certificate and key and trusting only the installation's CA; the broker's host name is verified) and/or a
 * user name and password for brokers that use them. The password is read from a file, never taken from a
 * command line, and never printed.
 *
 * @param tls      null for plain TCP
 * @param username null for none
 * @param password UTF-8 bytes; null for none
 */
public record MqttLogin(SSLContext tls, String username, byte[] password) {
    /** Plain TCP, anonymous: the loopback demo. */
    public static final MqttLogin NONE = new MqttLogin(null, null, null);

    public MqttLogin {
        if (password != null && username == null) {
            throw new IllegalArgumentException("a password needs a user name");
        }
        password = password == null ? null : password.clone();
    }

    /**
     * A user name with the password in a file (its first line; trailing white space is not part of it).
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or is empty
     */
    public static MqttLogin withPasswordFile(SSLContext tls, String username, Path passwordFile) {
        if (username == null || passwordFile == null) {
            return new MqttLogin(tls, username, null);
        }
        String line;
        try {
            line = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read the MQTT password file " + passwordFile, e);
        }
        if (line.isEmpty()) {
            throw new IllegalArgumentException("the MQTT password file " + passwordFile + " is empty");
        }
        return new MqttLogin(tls, username, line.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] password() {
        return password == null ? null : password.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttLogin l && l.tls == tls && java.util.Objects.equals(l.username, username)
                && Arrays.equals(l.password, password);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(tls, username) * 31 + Arrays.hashCode(password);
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "MqttLogin[tls=" + (tls != null) + ", username=" + username + ", password=" + (password != null ? "***" : "none")
                + "]";
    }
}
