-- Every attempt the dispatcher issued: a result is recorded only when it answers one of these, from the agent
-- it was sent to — after a controller restart too (issue 13: the controller trusts nothing it did not send).
CREATE TABLE dispatched_attempts (
    job_id        VARCHAR(128)  NOT NULL,
    attempt       INTEGER       NOT NULL,
    agent_id      VARCHAR(128)  NOT NULL,
    run_id        VARCHAR(128)  NOT NULL,
    bits_json     TEXT          NOT NULL,
    sent_at_ms    BIGINT        NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

-- API bearer tokens: only the SHA-256 of a token is kept (hex), never the token.
CREATE TABLE api_tokens (
    id            VARCHAR(64)   PRIMARY KEY,
    name          VARCHAR(200)  NOT NULL,
    role          VARCHAR(16)   NOT NULL,
    token_sha256  CHAR(64)      NOT NULL UNIQUE,
    created_at_ms BIGINT        NOT NULL,
    revoked_at_ms BIGINT
);
