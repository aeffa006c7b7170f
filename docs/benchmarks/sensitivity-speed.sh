#!/usr/bin/env bash
# Outputs-mode sensitivity time, before/after (issue [8 of 8], point 1): the fixtures at 256 calibration
# images, torchvision ResNet-18 and MobileNetV2 @ 224x224 (random init: no internet for trained weights)
# at 64 images (examples/data's calibration images upscaled, see examples/train/export_imagenet_size.py),
# bitwidths 2,3,4,5,6,8, a fresh cache each time. The models and images go to a temporary folder, never
# into the repository (ResNet-18 is 45 MB).
# Usage: [ONLY="NAME ..."] bash docs/benchmarks/sensitivity-speed.sh [BEFORE]   (names as printed: resnet, ...)
#   BEFORE: the `sigmaquant` launcher of a checkout of the old implementation (e.g. `git worktree add --detach
#   /tmp/wt-before COMMIT`, then `/tmp/wt-before/sigmaquant`, which builds it); without it only this tree is timed.
# Prints, per model and variant: wall seconds, elapsedMs of the command, the load average before it; how far
# the default table is from the exact one (and exact from before); and, at three size budgets (45, 60, 75 % of
# the 8-bit model), whether allocating with the default table picks other bits than with the exact one, judged
# by the exact table's objective.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
before="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
./sigmaquant --version >/dev/null   # builds the controller if needed
/usr/bin/python3 examples/train/export_imagenet_size.py --out "$work" --images 64 >&2
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

run() {   # run NAME VARIANT COMMAND... : time one sensitivity command; its JSON and cache under $work/NAME-VARIANT*
  local name=$1 variant=$2; shift 2
  local load start end
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  "$@" --cache-dir "$work/cache-$name-$variant" --json > "$work/$name-$variant.json" 2>/dev/null
  end=$(date +%s.%N)
  printf '%-16s %-8s wall %7.1f s  elapsedMs %8.0f  load before: %s\n' "$name" "$variant" "$(echo "$end - $start" | bc)" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsedMs"])' "$work/$name-$variant.json")" "$load"
}

diff_tables() {   # diff_tables NAME REF VARIANT: how far VARIANT's table is from REF's
  python3 - "$work/$1-$2.json" "$work/$1-$3.json" "$1 $3 vs $2" <<'PY'
import json, statistics, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ka = {l["name"]: l["kl"] for l in a["layers"]}
rel, share, worst_abs = [], [], 0.0
for l in b["layers"]:
    ref = ka[l["name"]]
    top = max(ref.values())
    for bits, v in l["kl"].items():
        d = abs(v - ref[bits])
        worst_abs = max(worst_abs, d)
        rel.append(d / max(abs(ref[bits]), 1e-30))
        share.append(d / top if top > 0 else 0.0)
rel.sort()
print(f"  {sys.argv[3]}: |ΔD|/D median {100 * statistics.median(rel):.2f} %, p95 {100 * rel[int(0.95 * (len(rel) - 1))]:.2f} %, "
      f"max {100 * rel[-1]:.2f} %; max |ΔD| {worst_abs:.3g} = {100 * max(share):.2f} % of its layer's largest D")
PY
}

allocations() {   # allocations NAME MODEL DATA IMAGES VARIANT: allocate at three size budgets with VARIANT's cached table
  local name=$1 model=$2 data=$3 images=$4 variant=$5 flags=()
  [ "$variant" = exact ] && flags=(--sensitivity-tolerance 0)
  local eight
  eight="$(./sigmaquant allocate "$model" --profile x86-64-generic --method uniform:8 --mode weights --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["predicted"]["sizeBytes"])')"
  for share in 0.45 0.60 0.75; do
    ./sigmaquant allocate "$model" --data "$data" --mode outputs --sensitivity-images "$images" "${flags[@]}" \
      --profile x86-64-generic --max-size "$(python3 -c "print(int($eight * $share))")" --json \
      --cache-dir "$work/cache-$name-$variant" > "$work/alloc-$name-$variant-$share.json" 2>/dev/null \
      || echo '{}' > "$work/alloc-$name-$variant-$share.json"
  done
}

compare_allocations() {   # compare_allocations NAME VARIANT: VARIANT's allocations judged by the exact table
  python3 - "$work" "$1" "$2" <<'PY'
import json, sys
work, name, variant = sys.argv[1:4]
exact = {l["name"]: l["kl"] for l in json.load(open(f"{work}/{name}-exact.json"))["layers"]}
def cost(bits):   # the allocation's objective (sum of D) under the exact table
    return sum(exact[layer][str(b)] for layer, b in bits.items() if b < 32)
for share in ("0.45", "0.60", "0.75"):
    a = json.load(open(f"{work}/alloc-{name}-exact-{share}.json"))
    b = json.load(open(f"{work}/alloc-{name}-{variant}-{share}.json"))
    if "bits" not in a or "bits" not in b:
        print(f"  {name} size ≤ {share} × 8-bit: no allocation (infeasible budget)")
        continue
    moved = sum(1 for k in a["bits"] if a["bits"][k] != b["bits"][k])
    ca, cb = cost(a["bits"]), cost(b["bits"])
    print(f"  {name} size ≤ {share} × 8-bit: {moved} of {len(a['bits'])} layers differ; exact-table objective "
          f"{ca:.4g} (exact table) vs {cb:.4g} ({variant} table): {100 * (cb - ca) / ca:+.2f} %")
PY
}

bench() {   # bench NAME MODEL DATA IMAGES [one-thread]: the last also times the default with --threads 1
  local name=$1 model=$2 data=$3 images=$4 ref
  local args=(sensitivity "$model" --data "$data" --mode outputs --sensitivity-images "$images" --bits 2,3,4,5,6,8)
  if [ -n "$before" ]; then run "$name" before "$before" "${args[@]}"; fi
  run "$name" exact ./sigmaquant "${args[@]}" --sensitivity-tolerance 0
  run "$name" default ./sigmaquant "${args[@]}"
  [ "${5:-}" = one-thread ] && run "$name" 1-thread ./sigmaquant "${args[@]}" --threads 1
  [ -n "$before" ] && diff_tables "$name" before exact
  diff_tables "$name" exact default
  allocations "$name" "$model" "$data" "$images" exact
  allocations "$name" "$model" "$data" "$images" default
  compare_allocations "$name" default
}

wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }   # ONLY="resnet18@224 ...": a subset
for m in resnet mobilenetv2 vgg; do wanted "$m" && bench "$m" "examples/models/$m.onnx" examples/data 256; done
wanted resnet18@224 && bench resnet18@224 "$work/resnet18.onnx" "$work/data" 64 one-thread
wanted mobilenetv2@224 && bench mobilenetv2@224 "$work/mobilenet_v2.onnx" "$work/data" 64
exit 0
