#!/usr/bin/env bash
# Outputs-mode sensitivity time, before/after (issue [8 of 8], point 1): the fixtures at 256 calibration
# images, torchvision ResNet-18 and MobileNetV2 @ 224x224 (random init: no internet for trained weights)
# at 64 images (examples/data's calibration images upscaled, see examples/train/export_imagenet_size.py),
# bitwidths 2,3,4,5,6,8, a fresh cache each time. The models and images go to a temporary folder, never
# into the repository (ResNet-18 is 45 MB).
# Usage: bash docs/benchmarks/sensitivity-speed.sh [BEFORE_JAR]
#   BEFORE_JAR: a controller jar of the old implementation (e.g. from `git worktree add /tmp/wt-before main`
#   and `./mvnw -o -q -B -pl controller -am package -DskipTests` there); without it only this tree is timed.
# Prints, per model and variant: wall seconds, elapsedMs of the command, load average, and the largest
# absolute / relative difference of the table from the first variant (before, else exact).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
before="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
./sigmaquant --version >/dev/null   # builds the controller if needed
/usr/bin/python3 examples/train/export_imagenet_size.py --out "$work" --images 64 >&2
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

run() {   # run NAME VARIANT COMMAND... : time one sensitivity command, its JSON into $work/NAME-VARIANT.json
  local name=$1 variant=$2; shift 2
  local load start end
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  "$@" --cache-dir "$(mktemp -d -p "$work")" --json > "$work/$name-$variant.json" 2>/dev/null
  end=$(date +%s.%N)
  printf '%-14s %-10s wall %7.1f s  load before: %s\n' "$name" "$variant" "$(echo "$end - $start" | bc)" "$load"
}

diff_tables() {   # diff_tables NAME REF VARIANT
  python3 - "$work/$1-$2.json" "$work/$1-$3.json" "$1 $3 vs $2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ka = {l["name"]: l["kl"] for l in a["layers"]}
worst_abs = worst_rel = 0.0
for l in b["layers"]:
    for bits, v in l["kl"].items():
        ref = ka[l["name"]][bits]
        worst_abs = max(worst_abs, abs(v - ref))
        worst_rel = max(worst_rel, abs(v - ref) / max(abs(ref), 1e-30))
print(f"  {sys.argv[3]}: max |ΔD| {worst_abs:.3g}, max |ΔD|/D {100 * worst_rel:.2f} %")
PY
}

bench() {   # bench NAME MODEL DATA IMAGES
  local name=$1 model=$2 data=$3 images=$4 ref
  local args=(sensitivity "$model" --data "$data" --mode outputs --sensitivity-images "$images" --bits 2,3,4,5,6,8)
  if [ -n "$before" ]; then run "$name" before java -jar "$before" "${args[@]}"; ref=before; else ref=exact; fi
  run "$name" exact ./sigmaquant "${args[@]}" --sensitivity-tolerance 0
  run "$name" default ./sigmaquant "${args[@]}"
  for v in exact default; do [ "$v" = "$ref" ] || diff_tables "$name" "$ref" "$v"; done
}

for m in resnet mobilenetv2 vgg; do bench "$m" "examples/models/$m.onnx" examples/data 256; done
bench resnet18@224 "$work/resnet18.onnx" "$work/data" 64
bench mobilenetv2@224 "$work/mobilenet_v2.onnx" "$work/data" 64
