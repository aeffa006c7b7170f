#!/usr/bin/env bash
# Issue 17, points 2 and 4: how fast `POST /api/runs` answers and how soon a run's first job leaves while other runs
# are active, and what the controller holds in memory over 20 runs.
#
# One `serve` (PostgreSQL store, --concurrent-runs 20) on a local Mosquitto, AGENTS simulated agents
# (`sigmaquant-agent run --simulate`, one JVM each). For N in 1, 10, 20 and for the same model (the ResNet fixture)
# or different models (the three fixtures and copies of them whose bytes differ — a metadata entry appended, so
# another SHA-256 and nothing shared — cycled): N runs submitted at once, each POST timed by curl (time_total);
# the time to first job of a run is its first dispatched attempt (dispatched_attempts.sent_at_ms) minus its
# created_at_ms. The runs of a round are cancelled once each has sent a job. Then, with 20 runs of the ResNet fixture
# active, 10 more submissions one after the other (the probe of "≤ 100 ms while 20 runs are active"), and the 20 runs
# left to finish while the controller's VmRSS is sampled every second; its heap (jcmd GC.heap_info) idle before,
# at the end, and after a full GC.
#
# Usage: bash docs/benchmarks/submission-latency.sh [AGENTS]   (needs mosquitto, psql/createdb, jcmd, curl and the
#        built jars: ./mvnw -o -q -B package -DskipTests). SERVE_JAVA_OPTS (e.g. -Xmx512m) reaches the controller;
#        ROUNDS (default "1 10 20") are the run counts submitted at once — ROUNDS= goes straight to the memory part;
#        PROBES (default 10) submissions one after the other while ITERATIONS (default 6) runs are active.
set -euo pipefail
cd "$(dirname "$0")/../.."
agents="${1:-8}"
# shellcheck source=fleet-lib.sh
source docs/benchmarks/fleet-lib.sh
agent_jar=edge-agent/target/sigmaquant-edge-agent-0.1.0-SNAPSHOT.jar
[ -f "$JAR" ] && [ -f "$agent_jar" ] || { echo "build first: ./mvnw -o -q -B package -DskipTests" >&2; exit 1; }
work="$(mktemp -d)"
db="sq_submission_$$"
declare -a agent_pids=()
cleanup() {
    for p in "${agent_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    fleet_stop_all
    dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT

# copies of the fixtures with other bytes: ModelProto field 14 (metadata_props) appended, one entry "bench.copy"=i
mkdir -p "$work/models"
models=()
for m in resnet mobilenetv2 vgg; do
    cp "examples/models/$m.onnx" "$work/models/$m.onnx"
    models+=("$work/models/$m.onnx")
done
for i in $(seq 1 7); do
    for m in resnet mobilenetv2 vgg; do
        f="$work/models/$m-$i.onnx"
        cp "examples/models/$m.onnx" "$f"
        printf '\x72\x0f\x0a\x0abench.copy\x12\x01%s' "$i" >>"$f"
        models+=("$f")
    done
done

fleet_broker_start "$work"
fleet_db_fresh "$db"
fleet_serve_start "$work" "$db" 1 1 20
url="${SERVE_URLS[1]}"
serve_pid="${SERVE_PIDS[1]}"
for i in $(seq 1 "$agents"); do
    java -Xmx96m -jar "$agent_jar" run --broker "$BROKER_URL" --id "sim-$i" --profile x86-64-generic \
        --energy estimate --simulate --cache-dir "$work/agents/sim-$i" >"$work/agent-$i.log" 2>&1 &
    agent_pids+=($!)
done
until [ "$(curl -sf "$url/api/agents" | grep -Eo '"online" *: *true' | wc -l)" -ge "$agents" ]; do sleep 1; done

psql_q() { psql -X -q -t -A -d "$db" -c "$1"; }
heap() { jcmd "$serve_pid" GC.heap_info | awk '/garbage-first heap/ { gsub(",", ""); print $6 " used of " $4 " committed" }'; }
rss() { awk '/^VmRSS:/ { print int($2 / 1024) " MiB" }' "/proc/$serve_pid/status"; }
percentiles() { # "p50 p99 max" in ms of the numbers (seconds) on stdin
    sort -g | awk '{ v[NR] = $1 * 1000 } END { p50 = v[int((NR + 1) / 2)]; i = int(NR * 0.99 + 0.999); if (i > NR) i = NR;
        printf "p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50, v[i], v[NR] }'
}
handled() { # "count sum" of the controller's own part of submissions so far (sigmaquant_run_submission_seconds)
    curl -s "$url/metrics" | awk '/^sigmaquant_run_submission_seconds_count/ { c = $2 }
        /^sigmaquant_run_submission_seconds_sum/ { s = $2 } END { print c + 0, s + 0 }'
}
in_handler() { # mean ms of the submissions since "count sum" $1 $2, and the p99 the timer reports (last minutes)
    local now p99
    now="$(handled)"
    p99="$(curl -s "$url/metrics" | awk -F'[ ]' '/^sigmaquant_run_submission_seconds\{quantile="0.99"/ { print $2 * 1000 }')"
    echo "$now" | awk -v c0="$1" -v s0="$2" -v p99="$p99" '{ n = $1 - c0; if (n > 0) printf "mean %.0f ms", ($2 - s0) * 1000 / n;
        printf ", p99 %.0f ms", p99 }'
}
request() { printf '{"deviceClass":"x86-64-generic","latencyFraction":0.9,"maxIterations":%s,"seed":%s}' "$1" "$2"; }
submit() { # MODEL SEED ITERATIONS -> "seconds id" on stdout, one write (concurrent submits append to one file)
    local t
    t="$(curl -s -o "$work/resp.$2" -w '%{time_total}' -F "model=@$1" -F "request=$(request "$3" "$2")" "$url/api/runs")"
    echo "$t $(grep -Eo '"id" *: *"[0-9a-f-]{36}"' "$work/resp.$2" | head -1 | grep -Eo '[0-9a-f-]{36}')"
}

echo "serve idle: RSS $(rss), heap $(heap); $agents simulated agents; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
seed=0
for kind in same different; do
    for n in ${ROUNDS-1 10 20}; do
        : >"$work/round"
        read -r c0 s0 <<<"$(handled)"
        posts=()
        for i in $(seq 1 "$n"); do
            seed=$((seed + 1))
            model="${models[0]}"
            [ "$kind" = different ] && model="${models[$(((i - 1) % ${#models[@]}))]}"
            submit "$model" "$seed" 20 >>"$work/round" &
            posts+=($!)
        done
        wait "${posts[@]}"
        ids="$(awk '{ print "'"'"'" $2 "'"'"'" }' "$work/round" | paste -sd,)"
        for _ in $(seq 1 600); do # every run has sent a job, or ended
            waiting="$(psql_q "SELECT count(*) FROM runs r WHERE r.id IN ($ids) AND r.status IN ('queued','running')
                AND NOT EXISTS (SELECT 1 FROM dispatched_attempts a WHERE a.run_id = r.id)")"
            [ "$waiting" = 0 ] && break
            sleep 0.5
        done
        first="$(psql_q "SELECT (min(a.sent_at_ms) - r.created_at_ms) / 1000.0 FROM runs r JOIN dispatched_attempts a
            ON a.run_id = r.id WHERE r.id IN ($ids) GROUP BY r.id, r.created_at_ms" | percentiles)"
        echo "$kind model, $n runs at once: POST $(awk '{ print $1 }' "$work/round" | percentiles)" \
            "(in the handler: $(in_handler "$c0" "$s0")); first job $first; RSS $(rss); load $(cut -d' ' -f1-3 /proc/loadavg)"
        for id in $(awk '{ print $2 }' "$work/round"); do curl -s -o /dev/null -X POST "$url/api/runs/$id/cancel"; done
    done
done

echo "memory: 20 runs of the ResNet fixture, ${ITERATIONS:-6} iterations each"
: >"$work/round"
posts=()
for i in $(seq 1 20); do
    seed=$((seed + 1))
    submit "${models[0]}" "$seed" "${ITERATIONS:-6}" >>"$work/round" &
    posts+=($!)
done
wait "${posts[@]}"
( while kill -0 "$serve_pid" 2>/dev/null; do awk '/^VmRSS:/ { print $2 }' "/proc/$serve_pid/status"; sleep 1; done ) \
    >"$work/rss" &
sampler=$!
: >"$work/probe"
read -r c0 s0 <<<"$(handled)"
for i in $(seq 1 "${PROBES:-10}"); do
    seed=$((seed + 1000))
    submit "${models[0]}" "$seed" 1 >>"$work/probe"
done
echo "${PROBES:-10} submissions one after another while 20 runs are active: POST $(awk '{ print $1 }' "$work/probe" | percentiles)" \
    "(in the handler: $(in_handler "$c0" "$s0"))"
for id in $(awk '{ print $2 }' "$work/probe"); do curl -s -o /dev/null -X POST "$url/api/runs/$id/cancel"; done
ids="$(awk '{ print "'"'"'" $2 "'"'"'" }' "$work/round" | paste -sd,)"
for _ in $(seq 1 1200); do
    [ "$(psql_q "SELECT count(*) FROM runs WHERE id IN ($ids) AND status IN ('queued','running')")" = 0 ] && break
    sleep 1
done
kill "$sampler" 2>/dev/null || true
echo "runs: $(psql_q "SELECT status || ' ' || count(*) FROM runs WHERE id IN ($ids) GROUP BY status" | paste -sd' ')"
echo "RSS over the runs: peak $(sort -n "$work/rss" | tail -1 | awk '{ print int($1 / 1024) }') MiB," \
    "end $(rss); heap at the end $(heap); after a full GC $(jcmd "$serve_pid" GC.run >/dev/null; heap)"
# what glibc keeps of freed native memory (ONNX Runtime sessions closed) versus what is still in use
echo "RSS after returning glibc's free native memory (jcmd System.trim_native_heap):" \
    "$(jcmd "$serve_pid" System.trim_native_heap >/dev/null 2>&1; rss)"
if jcmd "$serve_pid" VM.native_memory summary >"$work/nmt.txt" 2>/dev/null && grep -q committed "$work/nmt.txt"; then
    echo "native memory tracking: $(grep -E '^Total|^-  *(Java Heap|Class|Thread|Code|GC|Internal|Other|Arena)' \
        "$work/nmt.txt" | sed -E 's/\(reserved=[0-9]+KB, //; s/ +/ /g' | paste -sd';')"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); work files in $work"
