#!/usr/bin/env bash
# The fleet-scale matrix of issue 15: for AGENTS in 10 100 1000 and RUNS in 1 10 50, on one controller and then
# on two replicas, each cell on a fresh Mosquitto and a fresh PostgreSQL database (one controller uses
# PostgreSQL too, so the two rows compare), `bench-fleet --json` into OUT/fleet-<R>r-<N>a-<M>m.json (plus the
# agents' log and the lost/duplicated count of fleet-count.sh). Each cell is bounded by DURATION_S.
# Usage: bash docs/benchmarks/fleet-matrix.sh OUT [AGENTS...]
#   environment: RUNS ("1 10 50"), REPLICAS ("1 2"), DURATION_S (300), MQTT_PORT, HTTP_PORT, PGHOST, PGPORT
#   e.g. RUNS=10 REPLICAS=1 bash docs/benchmarks/fleet-matrix.sh /tmp/fleet 100     (one cell)
# Then: python3 docs/benchmarks/plot-fleet.py OUT   (docs/benchmarks/fleet-throughput.svg)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?output folder}"
shift
agents_list=("${@:-10 100 1000}")
# shellcheck disable=SC2206 # words
agents_list=(${agents_list[*]})
runs_list="${RUNS:-1 10 50}"
replicas_list="${REPLICAS:-1 2}"
duration="${DURATION_S:-300}"
. docs/benchmarks/fleet-lib.sh
mkdir -p "$out"
out="$(cd "$out" && pwd)"
ulimit -n 8192 # a socket per agent in the generator and in Mosquitto
fleet_build
trap 'fleet_stop_all' EXIT
for replicas in $replicas_list; do
    for agents in "${agents_list[@]}"; do
        for runs in $runs_list; do
            cell="fleet-${replicas}r-${agents}a-${runs}m"
            work="$(mktemp -d)"
            db="sq_${cell//-/_}"
            echo "== $cell (work files in $work)"
            fleet_broker_start "$work"
            fleet_db_fresh "$db"
            for i in $(seq 1 "$replicas"); do fleet_serve_start "$work" "$db" "$i" "$replicas" "$runs"; done
            mapfile -t servers < <(fleet_server_flags)
            java -jar "$JAR" bench-fleet --broker "$BROKER_URL" "${servers[@]}" --agents "$agents" --runs "$runs" \
                --duration-s "$duration" --model examples/models/resnet.onnx --json "$out/$cell.json" \
                --agent-log "$out/$cell.agents.tsv" >"$out/$cell.txt" 2>"$work/bench.log" \
                || echo "bench-fleet exited with $? (see $out/$cell.txt)"
            cat "$out/$cell.txt"
            bash docs/benchmarks/fleet-count.sh "$out/$cell.agents.tsv" "$(fleet_store_url "$db")" \
                | tee "$out/$cell.count.txt" || echo "fleet-count: lost or duplicated jobs (see $out/$cell.count.txt)"
            echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/$cell.txt"
            fleet_stop_all
        done
    done
done
echo "results in $out"
