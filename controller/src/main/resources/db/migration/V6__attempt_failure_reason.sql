-- Why an attempt was given up (issue 17): agent-offline, agent-unavailable, agent-stale (the registry stopped
-- offering its agent jobs while it held the attempt), lease-expired, error:<code>, publish-failed. Null while the
-- attempt is out or when it was answered. Plain ALTER TABLE ... ADD COLUMN: the same on H2 and PostgreSQL.
ALTER TABLE dispatched_attempts ADD COLUMN failure VARCHAR(200);
ALTER TABLE dispatched_attempts ADD COLUMN failed_at_ms BIGINT;
