-- SigmaQuant store, version 1. Portable between H2 (embedded default) and PostgreSQL.
CREATE TABLE runs (
    id            VARCHAR(64)   PRIMARY KEY,
    model         VARCHAR(1024) NOT NULL,
    device_class  VARCHAR(64)   NOT NULL,
    budgets_json  TEXT          NOT NULL,
    status        VARCHAR(32)   NOT NULL,
    reason        TEXT,
    created_at_ms BIGINT        NOT NULL,
    finished_at_ms BIGINT
);

-- One row per (job, attempt): a re-delivered or late result is recorded once.
CREATE TABLE measurements (
    job_id        VARCHAR(128)  NOT NULL,
    attempt       INTEGER       NOT NULL,
    run_id        VARCHAR(64)   REFERENCES runs (id),
    agent_id      VARCHAR(128)  NOT NULL,
    model_sha256  CHAR(64)      NOT NULL,
    bits_json     TEXT          NOT NULL,
    median_ms     DOUBLE PRECISION NOT NULL,
    p90_ms        DOUBLE PRECISION NOT NULL,
    p99_ms        DOUBLE PRECISION NOT NULL,
    energy_mj     DOUBLE PRECISION NOT NULL,
    energy_meter  VARCHAR(32)   NOT NULL,
    simulated     BOOLEAN       NOT NULL,
    result_json   TEXT          NOT NULL,
    created_at_ms BIGINT        NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

CREATE TABLE node_times (
    job_id        VARCHAR(128)  NOT NULL,
    attempt       INTEGER       NOT NULL,
    seq           INTEGER       NOT NULL,
    node          VARCHAR(1024) NOT NULL,
    op            VARCHAR(128)  NOT NULL,
    micros        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (job_id, attempt, seq),
    FOREIGN KEY (job_id, attempt) REFERENCES measurements (job_id, attempt)
);

CREATE TABLE iterations (
    run_id        VARCHAR(64)   NOT NULL REFERENCES runs (id),
    idx           INTEGER       NOT NULL,
    kind          VARCHAR(32)   NOT NULL,
    predicted_ms  DOUBLE PRECISION NOT NULL,
    measured_ms   DOUBLE PRECISION NOT NULL,
    job_id        VARCHAR(128)  NOT NULL,
    attempt       INTEGER       NOT NULL,
    PRIMARY KEY (run_id, idx)
);

-- Calibrated cost models per device class; every refit is a new version, the latest is used.
CREATE TABLE cost_models (
    device_class  VARCHAR(64)   NOT NULL,
    version       INTEGER       NOT NULL,
    model_json    TEXT          NOT NULL,
    created_at_ms BIGINT        NOT NULL,
    PRIMARY KEY (device_class, version)
);
