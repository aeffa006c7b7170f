package io.sigmaquant.protocol.tls;

import java.nio.file.Path;

/**
 * A certificate, key or CRL file that cannot be used: not PEM, malformed, a key of another certificate, a CA
 * that is not a CA, expired, revoked. The message is one line that starts with the file, so the CLI can print
 * it as it is and exit 2.
 */
public class TlsFileException extends RuntimeException {
    private final transient Path file;

    public TlsFileException(Path file, String problem) {
        this(file, problem, null);
    }

    public TlsFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + oneLine(problem), cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** Library messages (BouncyCastle, the JDK) can span lines; the CLI shows one. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
