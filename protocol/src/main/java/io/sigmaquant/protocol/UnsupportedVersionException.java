package io.sigmaquant.protocol;

/** A message whose schema major version this build does not speak. */
public class UnsupportedVersionException extends ProtocolException {
    public UnsupportedVersionException(String version, String jobId) {
        super("schemaVersion", "unsupported major version " + version + "; this agent speaks "
                + Messages.SCHEMA_VERSION, jobId);
    }
}
