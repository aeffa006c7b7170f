#!/usr/bin/env bash
# Fleet scale, first figures: a local Mosquitto (connection limit off), one `serve --broker` on it, and
# `sigmaquant bench-fleet` with N simulated agents and M runs. Samples both JVMs' threads and resident set every
# 2 s; at the end prints the controller's heap (jcmd GC.heap_info) and the peaks.
# Usage: bash docs/benchmarks/bench-fleet.sh AGENTS RUNS [MQTT_PORT] [HTTP_PORT]   (needs mosquitto, jcmd)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents="${1:?agents}"
runs="${2:?runs}"
mqtt="${3:-18830}"
http="${4:-18080}"
ulimit -n 8192 # a socket per agent in the generator and in Mosquitto
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT # the ports are free for the next run
jar=controller/target/sigmaquant-controller-0.1.0-SNAPSHOT.jar
[ -f "$jar" ] || ./sigmaquant --version >/dev/null # builds on first use
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\nmax_queued_messages 10000\n' \
    "$mqtt" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker=$!
sleep 1
kill -0 "$broker" 2>/dev/null || { cat "$work/mosquitto.log" >&2; exit 1; }
java -jar "$jar" serve --data-dir "$work/data" --http-host 127.0.0.1 --http-port "$http" \
    --broker "tcp://127.0.0.1:$mqtt" --concurrent-runs "$runs" --wait-for-agent-s 120 >"$work/serve.log" 2>&1 &
serve=$!
until curl -sf "http://127.0.0.1:$http/health" >/dev/null; do
    kill -0 "$serve" 2>/dev/null || { tail -5 "$work/serve.log" >&2; exit 1; }
    sleep 0.5
done
sample() { # "threads rss_kib" of a process
    awk '/^Threads:/ { t = $2 } /^VmRSS:/ { r = $2 } END { print t, r }' "/proc/$1/status" 2>/dev/null || echo "0 0"
}
java -jar "$jar" bench-fleet --broker "tcp://127.0.0.1:$mqtt" --server "http://127.0.0.1:$http" \
    --agents "$agents" --runs "$runs" --duration-s 900 --model examples/models/resnet.onnx \
    --json "$work/summary.json" 2>"$work/bench.log" &
bench=$!
( while kill -0 "$bench" 2>/dev/null; do echo "$(sample "$serve") $(sample "$bench")"; sleep 2; done ) >"$work/samples" &
wait "$bench" || echo "bench-fleet exited with $?"
grep '^bench-fleet:' "$work/bench.log" || true
awk '{ for (i = 1; i <= 4; i++) if ($i > p[i]) p[i] = $i }
     END { print "peaks: controller " p[1] " threads, " int(p[2] / 1024) " MiB RSS; generator " p[3] " threads, " \
           int(p[4] / 1024) " MiB RSS" }' "$work/samples"
echo "controller now: $(sample "$serve" | awk '{ print $1 " threads, " int($2 / 1024) " MiB RSS" }')"
heap() { jcmd "$serve" GC.heap_info | awk '/garbage-first heap/ { print $6 " of " $4 " committed" }'; }
echo "controller heap used: $(heap); after a full GC (the live set): $(jcmd "$serve" GC.run >/dev/null; heap)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work files in $work"
