package io.sigmaquant.controller.pki;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a CA keeps its files: {@code ca.crt}, {@code ca.key}, {@code crl.pem}, {@code index.json}, and per
 * identity {@code agents/<id>.pem|.crt|.key}, {@code controllers/<name>.*} or {@code brokers/<name>.*} (the .pem is the bundle
 * a board needs: certificate, CA certificate, key — in that order, see {@code TlsFiles}).
 */
public record PkiFolder(Path dir) {
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca.key");
    }

    public Path crl() {
        return dir.resolve("crl.pem");
    }

    public Path index() {
        return dir.resolve("index.json");
    }

    public Path bundle(Identity identity) {
        return roleDir(identity.role()).resolve(identity.name() + ".pem");
    }

    public Path certificate(Identity identity) {
        return roleDir(identity.role()).resolve(identity.name() + ".crt");
    }

    public Path key(Identity identity) {
        return roleDir(identity.role()).resolve(identity.name() + ".key");
    }

    public Path roleDir(Role role) {
        return dir.resolve(switch (role) {
            case AGENT -> "agents";
            case CONTROLLER -> "controllers";
            case BROKER -> "brokers";
        });
    }

    /** Creates the folder (and its parents) owner-only, or makes an existing one owner-only. */
    static void createOwnerOnly(Path folder) {
        try {
            Files.createDirectories(folder);
            if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot create " + folder + ": " + e.getMessage(), e);
        }
    }
}
