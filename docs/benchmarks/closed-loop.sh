#!/usr/bin/env bash
# Closed-loop benchmarks through the service (issue [4 of 4], acceptance 3 and 4): a private Mosquitto,
# one agent process, `sigmaquant serve`, then per fixture `optimize --server` with --holdout 10 (calibration
# quality on ten held-out random configurations) and --compare-random 30 (measurements a random search needs
# to meet the same budgets), same machine, same run, same agent. Output: docs/benchmarks/closed-loop.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
port=18830
http=18080
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$root"
./sigmaquant --version >/dev/null   # builds the controller if needed
./sigmaquant-agent --version >/dev/null
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$work/broker.conf"
/usr/sbin/mosquitto -c "$work/broker.conf" > "$work/mosquitto.log" 2>&1 &
sleep 1
./sigmaquant-agent run --broker "tcp://127.0.0.1:$port" --id bench-1 --profile x86-64-generic --energy estimate \
    --cache-dir "$work/agent" > "$work/agent.log" 2>&1 &
./sigmaquant serve --broker "tcp://127.0.0.1:$port" --data-dir "$work/serve" --http-port "$http" > "$work/serve.log" 2>&1 &
for i in $(seq 1 60); do curl -fs "http://127.0.0.1:$http/health" >/dev/null && break; sleep 1; done
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for spec in resnet:40KiB mobilenetv2:30KiB vgg:110KiB; do
  model="${spec%%:*}"; size="${spec##*:}"
  echo "## $model (--max-size $size, latency budget 0.9 x float)"
  cmd=(./sigmaquant optimize "examples/models/$model.onnx" --device-class x86-64-generic
       --server "http://127.0.0.1:$http" --latency-fraction 0.9 --max-size "$size" --batch 32 --threads 1
       --tolerance 0.25 --max-iterations 6 --runs 30 --min-duration-ms 500 --data examples/data
       --out "$work/out-$model" --holdout 10 --compare-random 30)
  echo "\$ ${cmd[*]}"
  start=$(date +%s)
  "${cmd[@]}" 2>&1 | grep -v " INFO " || true
  echo "(wall time $(( $(date +%s) - start )) s)"
  python3 - "$work/out-$model/benchmark.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for h in b["heldOut"]:
    print(f"  held-out {h['index']:2d}: predicted {h['predictedMs']:7.3f} ms, measured {h['measuredMs']:7.3f} ms")
PY
done
