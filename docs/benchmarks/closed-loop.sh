#!/usr/bin/env bash
# Closed-loop benchmarks through the service (issue [3 of 7]): a private Mosquitto, one agent process,
# `sigmaquant serve`, then for each model (the three fixtures and examples/digits, which no part of the loop
# was built on), each of two latency budgets and each seed, one `optimize --server` run followed by ten
# held-out random configurations (--holdout 10, never fitted):
#   easy  = 1.05 x the float model, measured by the run itself (--latency-fraction 1.05; the size budget forces
#           quantization, and on digits int8 kernels are slower than float, so below float is not easy);
#   tight = 1.05 x the fastest configuration measured in the easy run of the same seed (--max-latency-ms).
# Per run: measurements to converge, whether it reported the budgets unreachable and whether that was false
# (a configuration measured in the same run, held-out ones included, met every budget), the held-out share
# within 5 % / 10 % of the predictions, and the median half-width of the measurements' 95 % intervals.
# Usage: bash docs/benchmarks/closed-loop.sh [SEEDS...]   (default seeds: 1 2); output on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
port=18830
http=18080
if [ $# -gt 0 ]; then seeds=("$@"); else seeds=(1 2); fi
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
echo "# common: --device-class x86-64-generic --batch 32 --threads 1 --runs 20 --min-duration-ms 300 --holdout 10 (paired float reference on)"
runs="$work/runs.tsv"
: > "$runs"
for spec in resnet:examples/models/resnet.onnx:examples/data:40KiB \
            mobilenetv2:examples/models/mobilenetv2.onnx:examples/data:30KiB \
            vgg:examples/models/vgg.onnx:examples/data:110KiB \
            digits:examples/digits/digits.onnx:examples/digits:120KiB; do
  IFS=: read -r name model data size <<< "$spec"
  for seed in "${seeds[@]}"; do
    for budget in easy tight; do
      out="$work/out-$name-$seed-$budget"
      if [ "$budget" = easy ]; then
        latency=(--latency-fraction 1.05)
      else
        fastest=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
ms=[i["correctedMs"] for i in r["iterations"]+b["heldOut"] if i["sizeBytes"] <= float(sys.argv[3])]
print(min(ms))' "$work/out-$name-$seed-easy/report.json" "$work/out-$name-$seed-easy/benchmark.json" \
          "$(python3 -c "import sys; s=sys.argv[1]; print(float(s[:-3])*1024)" "$size")")
        latency=(--max-latency-ms "$(python3 -c "print(round(1.05*$fastest, 5))")")
      fi
      cmd=(./sigmaquant optimize "$model" --device-class x86-64-generic --server "http://127.0.0.1:$http"
           "${latency[@]}" --max-size "$size" --batch 32 --threads 1 --runs 20 --min-duration-ms 300
           --data "$data" --out "$out" --holdout 10 --seed "$seed")
      echo "\$ ${cmd[*]}"
      start=$(date +%s)
      "${cmd[@]}" 2>&1 | grep -v " INFO " | sed 's/^/    /' || true
      echo "    (wall time $(( $(date +%s) - start )) s)"
      printf '%s\t%s\t%s\t%s\n' "$name" "$budget" "$seed" "$out" >> "$runs"
    done
  done
done
python3 - "$runs" <<'PY'
import json, sys, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print()
print("| model | budget | seed | result | loop measurements (explorations) | unreachable | false unreachable |"
      " held-out within 5 % | within 10 % | median CI half-width |")
print("|---|---|---|---|---|---|---|---|---|---|")
agg = {}
for name, budget, seed, out in rows:
    try:
        r = json.load(open(f"{out}/report.json")); b = json.load(open(f"{out}/benchmark.json"))
    except OSError:
        print(f"| {name} | {budget} | {seed} | run failed (no report) | | | | | | |"); continue
    its = r["iterations"]
    explorations = sum(1 for i in its if i["kind"] == "exploration")
    unreachable = "unreachable" in r["reason"]
    met = any(i["verdict"].startswith("meets") for i in its + b["heldOut"])
    false_unreachable = unreachable and met
    hw = [100 * (i["ciHighMs"] - i["ciLowMs"]) / 2 / i["correctedMs"] for i in its + b["heldOut"]
          if isinstance(i["ciLowMs"], (int, float)) and i["ciLowMs"] == i["ciLowMs"]]
    hw_text = f"{statistics.median(hw):.1f} %" if hw else "n/a"
    result = "converged" if r["converged"] else "not converged"
    print(f"| {name} | {budget} | {seed} | {result} | {r['measurements']} ({explorations}) | {'yes' if unreachable else 'no'} |"
          f" {'YES' if false_unreachable else 'no'} | {100*b['shareWithin5Percent']:.0f} % | {100*b['shareWithin10Percent']:.0f} % | {hw_text} |")
    a = agg.setdefault(name, {"w5": [], "w10": [], "false": 0, "runs": 0, "conv": 0})
    a["w5"].append(b["shareWithin5Percent"]); a["w10"].append(b["shareWithin10Percent"])
    a["false"] += false_unreachable; a["runs"] += 1; a["conv"] += r["converged"]
print()
print("| model | runs | converged | false unreachable | held-out within 5 % (all runs) | within 10 % (all runs) |")
print("|---|---|---|---|---|---|")
for name, a in agg.items():
    print(f"| {name} | {a['runs']} | {a['conv']} | {a['false']} | {100*statistics.mean(a['w5']):.0f} % | {100*statistics.mean(a['w10']):.0f} % |")
PY
