-- The loop's judgement of each iteration: the latency corrected for drift by the paired reference, its 95 %
-- interval, and the budget verdict (meets with 95 % confidence / meets / undecided / misses). Nullable:
-- iterations recorded before this migration have none.
ALTER TABLE iterations ADD COLUMN corrected_ms DOUBLE PRECISION;
ALTER TABLE iterations ADD COLUMN ci_low_ms DOUBLE PRECISION;
ALTER TABLE iterations ADD COLUMN ci_high_ms DOUBLE PRECISION;
ALTER TABLE iterations ADD COLUMN verdict VARCHAR(40);
