package io.sigmaquant.controller.store;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.auth.TokenSecrets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The API's bearer tokens in the store's {@code api_tokens} table: their SHA-256, never the tokens. */
public final class ApiTokens {
    private final Database db;

    ApiTokens(Database db) {
        this.db = db;
    }

    /** A token as listed: everything but the secret, which is not kept. */
    public record StoredToken(String id, String name, ApiRole role, long createdAtMs, Long revokedAtMs) {
    }

    /** A token just made: the only time its secret is seen. */
    public record CreatedToken(StoredToken stored, String token) {
    }

    public CreatedToken create(String name, ApiRole role) {
        String token = TokenSecrets.newToken();
        String id = UUID.randomUUID().toString().substring(0, 8);
        long now = System.currentTimeMillis();
        String label = name == null || name.isBlank() ? role.wire() + "-" + id : name;
        db.update("INSERT INTO api_tokens (id, name, role, token_sha256, created_at_ms) VALUES (?, ?, ?, ?, ?)", id,
                label, role.wire(), TokenSecrets.digest(token), now);
        return new CreatedToken(new StoredToken(id, label, role, now, null), token);
    }

    /** Every token, revoked ones too, oldest first. */
    public List<StoredToken> list() {
        return db.query("SELECT id, name, role, created_at_ms, revoked_at_ms FROM api_tokens ORDER BY created_at_ms, id",
                rs -> new StoredToken(rs.getString(1), rs.getString(2), ApiRole.fromWire(rs.getString(3)), rs.getLong(4),
                        rs.getObject(5, Long.class)));
    }

    /** Revokes the token with this id or name; refuses a name that is not exactly one token. */
    public StoredToken revoke(String idOrName) {
        List<StoredToken> match = list().stream().filter(t -> t.id().equals(idOrName) || t.name().equals(idOrName))
                .toList();
        if (match.size() != 1) {
            throw new UserInputException(match.isEmpty() ? "no token '" + idOrName + "' (see: sigmaquant token list)"
                    : "'" + idOrName + "' names " + match.size() + " tokens; give the id");
        }
        long now = System.currentTimeMillis();
        db.update("UPDATE api_tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL", now,
                match.get(0).id());
        return match.get(0);
    }

    /** The role of a valid (known, not revoked) token. */
    public Optional<ApiRole> role(String token) {
        return db.query("SELECT role FROM api_tokens WHERE token_sha256 = ? AND revoked_at_ms IS NULL",
                rs -> ApiRole.fromWire(rs.getString(1)), TokenSecrets.digest(token)).stream().findFirst();
    }
}
