package io.sigmaquant.profiles;

/** A profile that cannot be used: names the file, the field (a JSON pointer) and the reason. */
public class ProfileException extends RuntimeException {
    private final String source;
    private final String field;

    public ProfileException(String source, String field, String reason) {
        super(source + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
        this.source = source;
        this.field = field;
    }

    public String source() {
        return source;
    }

    public String field() {
        return field;
    }
}
