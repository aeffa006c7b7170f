#!/usr/bin/env bash
# No lost and no duplicated job: compares the simulated agents' own log (bench-fleet --agent-log FILE: every
# accepted, result and error reply the broker acknowledged) with the PostgreSQL store the controllers wrote.
#   lost                  results an agent published whose (job, attempt) is not in measurements
#   duplicated results    (job, attempt) in measurements more than once (the primary key forbids it: still counted)
#   duplicated use        a job id used by more than one iteration
# plus the context: attempts dispatched, measured, accepted but never answered (crashed agents; the dispatcher
# sends another attempt), and results the agents published twice for one attempt.
# Usage: bash docs/benchmarks/fleet-count.sh AGENT_LOG STORE
#   STORE: a libpq URL or the controllers' --store-url, e.g. jdbc:postgresql://127.0.0.1:5432/sq_soak
#   (user postgres unless the URL names one; needs psql). Exit 1 when anything was lost or duplicated.
set -euo pipefail
log="${1:?agent log (TSV from bench-fleet --agent-log)}"
store="${2:?store URL, e.g. jdbc:postgresql://127.0.0.1:5432/DB}"
url="${store#jdbc:}"
case "$url" in
    postgresql://*@*) ;;
    postgresql://*) url="postgresql://${PGUSER:-postgres}@${url#postgresql://}" ;;
    *) echo "fleet-count: not a PostgreSQL URL: $store" >&2; exit 2 ;;
esac
[ -r "$log" ] || { echo "fleet-count: cannot read $log" >&2; exit 2; }
out="$(psql "$url" -v ON_ERROR_STOP=1 -qAtF $'\t' <<SQL
CREATE TEMP TABLE agent_log (agent TEXT, job_id TEXT, attempt INTEGER, event TEXT, at_ms BIGINT);
\copy agent_log FROM '$log' WITH (FORMAT csv, DELIMITER E'\t', HEADER true)
CREATE TEMP VIEW published AS SELECT DISTINCT job_id, attempt FROM agent_log WHERE event = 'result';
SELECT 'agent results published', count(*) FROM agent_log WHERE event = 'result';
SELECT 'agent results published twice for one attempt', count(*) - (SELECT count(*) FROM published)
    FROM agent_log WHERE event = 'result';
SELECT 'attempts accepted by agents', count(*) FROM (SELECT DISTINCT job_id, attempt FROM agent_log
    WHERE event = 'accepted') a;
SELECT 'accepted but never answered (agent crashed)', count(*) FROM (SELECT DISTINCT job_id, attempt
    FROM agent_log WHERE event = 'accepted') a WHERE NOT EXISTS (SELECT 1 FROM agent_log l
    WHERE l.job_id = a.job_id AND l.attempt = a.attempt AND l.event IN ('result', 'error'));
SELECT 'attempts dispatched (store)', count(*) FROM dispatched_attempts;
SELECT 'measurements (store)', count(*) FROM measurements;
SELECT 'lost', count(*) FROM published p
    WHERE NOT EXISTS (SELECT 1 FROM measurements m WHERE m.job_id = p.job_id AND m.attempt = p.attempt);
SELECT 'lost, of runs not cancelled', count(*) FROM published p
    JOIN dispatched_attempts d ON d.job_id = p.job_id AND d.attempt = p.attempt
    JOIN runs r ON r.id = d.run_id
    WHERE r.status <> 'cancelled'
      AND NOT EXISTS (SELECT 1 FROM measurements m WHERE m.job_id = p.job_id AND m.attempt = p.attempt);
SELECT 'duplicated results', count(*) FROM (SELECT job_id, attempt FROM measurements
    GROUP BY job_id, attempt HAVING count(*) > 1) d;
SELECT 'duplicated use', count(*) FROM (SELECT job_id FROM iterations GROUP BY job_id
    HAVING count(*) > 1) d;
SELECT 'measured, not in the agents'' log', count(*) FROM measurements m WHERE m.agent_id LIKE 'bench-%'
    AND NOT EXISTS (SELECT 1 FROM published p WHERE p.job_id = m.job_id AND p.attempt = m.attempt);
SQL
)"
printf '%s\n' "$out" | awk -F'\t' '{ printf "%-48s %s\n", $1 ":", $2 }'
bad="$(printf '%s\n' "$out" | awk -F'\t' '$1 == "lost, of runs not cancelled" || $1 == "duplicated results" ||
    $1 == "duplicated use" { n += $2 } END { print n + 0 }')"
[ "$bad" -eq 0 ]
