#!/bin/bash
# fp32 vs W8A8 on the fixture ResNet with the agent's bench, in interleaved rounds (this 2-vCPU VM is noisy:
# a single pair of runs can go either way). Prints: batch threads round model median_ms bare_loop_median_ms runs
set -euo pipefail
W8A8=${W8A8:-/tmp/resnet-w8a8.onnx}
cd "$(dirname "$0")/../.."
[ -f "$W8A8" ] || ./sigmaquant quantize examples/models/resnet.onnx --uniform 8 --activations int8 --data examples/data --out "$W8A8" >&2
for b in 1 32; do for t in 1 2; do for i in 1 2 3 4 5; do for m in examples/models/resnet.onnx "$W8A8"; do
  r=$(./sigmaquant-agent bench $m --batch $b --threads $t --runs 200 --min-duration-ms 2000 --compare-bare --json)
  echo "$b $t $i $(basename $m .onnx) $(echo "$r" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["latency"]["medianMs"], r["bareLoopMedianMs"], r["latency"]["runs"])')"
done; done; done; done
