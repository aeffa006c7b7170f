-- Controller replicas (issue 15). Each unfinished run is owned by one replica through its lease row: the owner
-- renews it by heartbeat; when it stops renewing, another replica claims the run (SELECT ... FOR UPDATE SKIP
-- LOCKED) once the lease has expired and resumes it from the store. The row is deleted when the run ends.
CREATE TABLE run_leases (
    run_id        VARCHAR(64)   PRIMARY KEY REFERENCES runs (id),
    replica_id    VARCHAR(200)  NOT NULL,
    expires_at_ms BIGINT        NOT NULL,
    claims        INTEGER       NOT NULL
);

-- Runs a controller left unfinished before this migration: free for the first replica that looks.
INSERT INTO run_leases (run_id, replica_id, expires_at_ms, claims)
    SELECT id, '', 0, 0 FROM runs WHERE status IN ('queued', 'running');

-- An agent's error reply that reached another replica than the one whose attempt it answers (the results
-- subscription is shared): kept here for the owner to pick up. Results need no table of their own: whichever
-- replica receives one records it in measurements, where the owner finds it.
CREATE TABLE relayed_errors (
    job_id        VARCHAR(128)  NOT NULL,
    attempt       INTEGER       NOT NULL,
    agent_id      VARCHAR(128)  NOT NULL,
    reply_json    TEXT          NOT NULL,
    received_at_ms BIGINT       NOT NULL,
    PRIMARY KEY (job_id, attempt)
);
