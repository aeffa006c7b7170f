-- The run whose loop fitted each cost model version, for the fleet page (issue 16); null for versions saved before.
-- Plain ALTER TABLE ... ADD COLUMN: the same on H2 and PostgreSQL.
ALTER TABLE cost_models ADD COLUMN run_id VARCHAR(128);
