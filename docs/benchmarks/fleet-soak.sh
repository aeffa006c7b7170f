#!/usr/bin/env bash
# The soak of issue 15: AGENTS simulated agents on two controller replicas (one Mosquitto, one fresh PostgreSQL
# database), `bench-fleet --keep-runs` for DURATION_S with AGENT_FAULTS agent crashes, while this script
# restarts the broker BROKER_RESTARTS times and SIGKILLs-and-restarts a replica (alternately r1 and r2, the same
# data folder, so the same replica id, after REPLICA_DOWN_S) REPLICA_KILLS times, at even intervals, interleaved; then counts lost and duplicated jobs
# from the agents' own log and the store (fleet-count.sh). 40 + 5 + 5 = the issue's 50 faults by default.
# Usage: bash docs/benchmarks/fleet-soak.sh OUT
#   environment: AGENTS (1000), KEEP_RUNS (10), DURATION_S (600), AGENT_FAULTS (40), BROKER_RESTARTS (5),
#   REPLICA_KILLS (5), REPLICA_DOWN_S (5), REPLICAS (2; 1 for a smoke without the replica flags), MQTT_PORT,
#   HTTP_PORT, PGHOST, PGPORT
#   a short smoke: AGENTS=20 KEEP_RUNS=2 DURATION_S=120 AGENT_FAULTS=2 BROKER_RESTARTS=1 REPLICA_KILLS=1 ...
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?output folder}"
agents="${AGENTS:-1000}"
keep_runs="${KEEP_RUNS:-10}"
duration="${DURATION_S:-600}"
agent_faults="${AGENT_FAULTS:-40}"
broker_restarts="${BROKER_RESTARTS:-5}"
replica_kills="${REPLICA_KILLS:-5}"
replica_down="${REPLICA_DOWN_S:-5}"
replicas="${REPLICAS:-2}"
. docs/benchmarks/fleet-lib.sh
mkdir -p "$out"
out="$(cd "$out" && pwd)"
ulimit -n 8192
fleet_build
work="$(mktemp -d)"
db=sq_soak
trap 'fleet_stop_all; kill $(jobs -p) 2>/dev/null || true' EXIT
echo "soak: $agents agents, $replicas replicas, $keep_runs runs kept in flight for $duration s; faults: $agent_faults agents," \
    "$broker_restarts broker restarts, $replica_kills replica kills (work files in $work)"
fleet_broker_start "$work"
fleet_db_fresh "$db"
for i in $(seq 1 "$replicas"); do fleet_serve_start "$work" "$db" "$i" "$replicas" "$keep_runs"; done
mapfile -t servers < <(fleet_server_flags)
started="$(date +%s)"
java -jar "$JAR" bench-fleet --broker "$BROKER_URL" "${servers[@]}" --agents "$agents" --runs "$keep_runs" \
    --keep-runs --agent-faults "$agent_faults" --duration-s "$duration" --model examples/models/resnet.onnx \
    --json "$out/soak.json" --agent-log "$out/soak.agents.tsv" >"$out/soak.txt" 2>"$out/soak.progress" &
bench=$!
# the script's own faults start once the runs are submitted, spread over the time that is left
until grep -q 'runs submitted' "$out/soak.progress" 2>/dev/null; do
    kill -0 "$bench" 2>/dev/null || { cat "$out/soak.progress" >&2; exit 1; }
    sleep 1
done
faults=$((broker_restarts + replica_kills))
left=$((started + duration - $(date +%s)))
b=0 k=0
for n in $(seq 1 "$faults"); do
    at=$((started + duration - left + left * n / (faults + 1)))
    sleep $((at > $(date +%s) ? at - $(date +%s) : 0))
    kill -0 "$bench" 2>/dev/null || break
    # interleaved: a broker restart, then a replica kill, while both kinds are left
    if [ $((n % 2)) -eq 1 ] && [ "$b" -lt "$broker_restarts" ] || [ "$k" -ge "$replica_kills" ]; then
        b=$((b + 1))
        echo "$(date -u +%T) fault $n: broker restart $b of $broker_restarts" | tee -a "$out/soak.faults"
        fleet_broker_stop
        fleet_broker_start "$work"
    else
        k=$((k + 1))
        r=$(((k - 1) % replicas + 1))
        echo "$(date -u +%T) fault $n: SIGKILL replica r$r ($k of $replica_kills), restarted after $replica_down s" \
            | tee -a "$out/soak.faults"
        fleet_serve_kill "$r" KILL
        sleep "$replica_down"
        fleet_serve_start "$work" "$db" "$r" "$replicas" "$keep_runs"
    fi
done
wait "$bench" || echo "bench-fleet exited with $?"
cat "$out/soak.txt"
sleep 10 # results still in flight when bench-fleet stopped reach the store
bash docs/benchmarks/fleet-count.sh "$out/soak.agents.tsv" "$(fleet_store_url "$db")" | tee "$out/soak.count.txt" \
    || echo "fleet-count: lost or duplicated jobs (see $out/soak.count.txt)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results in $out"
