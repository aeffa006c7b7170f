-- Protocol 1.1: the median's 95 % confidence interval and whether its target was reached, and the paired
-- reference (its model and the candidate/reference latency ratio with its interval). Nullable: results of 1.0
-- agents, and measurements recorded before this migration, have none; result_json keeps the whole result.
ALTER TABLE measurements ADD COLUMN median_ci_low_ms DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN median_ci_high_ms DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN ci_target_reached BOOLEAN;
ALTER TABLE measurements ADD COLUMN reference_sha256 CHAR(64);
ALTER TABLE measurements ADD COLUMN reference_ratio DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN reference_ratio_ci_low DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN reference_ratio_ci_high DOUBLE PRECISION;
