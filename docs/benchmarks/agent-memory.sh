#!/usr/bin/env bash
# The agent's memory at idle and while measuring: resident set of the agent's JVM and of its measuring worker
# JVM, sampled every 200 ms, around a real closed loop (the in-process controller's `optimize --broker`) on a
# local Mosquitto. Usage: bash docs/benchmarks/agent-memory.sh [PORT]   (needs mosquitto; builds on first use)
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${1:-18830}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mosquitto -p "$port" >"$work/mosquitto.log" 2>&1 &
sleep 1
./sigmaquant-agent run --broker "tcp://127.0.0.1:$port" --id mem-1 --profile x86-64-generic --energy estimate \
    --cache-dir "$work/cache" --metrics-port 0 >"$work/agent.log" 2>&1 &
agent=$!
rss() { # "agent_kib worker_kib": the agent JVM (the script execs java) and its child processes
    local a w=0 c
    a="$(ps -o rss= -p "$agent" | tr -d ' ')"
    for c in $(pgrep -P "$agent" || true); do w=$((w + $(ps -o rss= -p "$c" | tr -d ' '))); done
    echo "${a:-0} $w"
}
sleep 30
echo "idle, 30 s after start (agent KiB, worker KiB): $(rss)"
( while kill -0 "$agent" 2>/dev/null; do echo "$(rss)"; sleep 0.2; done ) >"$work/samples" &
sampler=$!
./sigmaquant optimize examples/models/resnet.onnx --device-class x86-64-generic --broker "tcp://127.0.0.1:$port" \
    --max-size 40KiB --latency-fraction 0.9 --batch 32 --threads 1 --runs 40 --min-duration-ms 2500 \
    --max-iterations 4 --data examples/data --out "$work/out" 2>/dev/null | grep -E '^(converged|not converged)'
sleep 20
echo "idle, 20 s after the run (agent KiB, worker KiB): $(rss)"
kill "$sampler"
awk '{ if ($1 > a) a = $1; if ($2 > w) w = $2; if ($1 + $2 > t) t = $1 + $2 }
     END { print "peak while measuring (agent KiB, worker KiB, both): " a " " w " " t }' "$work/samples"
