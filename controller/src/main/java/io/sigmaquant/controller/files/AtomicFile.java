package io.sigmaquant.controller.files;

import io.sigmaquant.controller.UserInputException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes files so that a reader sees either nothing or the whole file: temp file in the same folder, then rename. */
public final class AtomicFile {
    private static final Set<PosixFilePermission> SHARED = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {
    }

    /** An ordinary result file (rw-r--r--). */
    public static void write(Path target, byte[] content) {
        write(target, content, SHARED);
    }

    /**
     * A file only its owner may read (rw-------), for private keys: the temp file is created owner-only before
     * a byte is written, so the key is never readable by others, not even for a moment.
     */
    public static void writeOwnerOnly(Path target, byte[] content) {
        write(target, content, OWNER_ONLY);
    }

    private static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", ownerOnly(dir));
            Files.write(tmp, content);
            if (posix(dir)) {
                Files.setPosixFilePermissions(tmp, permissions);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp name starts with '.' and ends in .tmp, so it is recognisable
                }
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    // not a POSIX file system (Windows): keep its defaults
    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
