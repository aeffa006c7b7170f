#!/usr/bin/env bash
# Time to see an agent offline: real agent processes (`sigmaquant-agent run --simulate`) on a local Mosquitto,
# one `serve` on it; SIGKILL one agent (its socket closes: the broker publishes its Last Will at once) and
# SIGSTOP another (a hung agent or a board without power: the socket stays open, silent, until the broker's
# keep-alive check drops it after 1.5 x the keep-alive), timing each until the controller's /api/agents lists it
# offline (polled every 100 ms). Usage: bash docs/benchmarks/offline-detection.sh [KEEP_ALIVE_S] [MQTT_PORT] [HTTP_PORT]
# (needs mosquitto, curl, jq; builds on first use)
set -euo pipefail
cd "$(dirname "$0")/../.."
keep_alive="${1:-4}"
mqtt="${2:-18830}"
http="${3:-18080}"
work="$(mktemp -d)"
declare -a agents=()
cleanup() {
    local p
    for p in "${agents[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
    kill $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
./sigmaquant --version >/dev/null && ./sigmaquant-agent --version >/dev/null # builds on first use
mosquitto -c <(printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$mqtt") >"$work/mosquitto.log" 2>&1 &
sleep 1
./sigmaquant serve --data-dir "$work/data" --http-host 127.0.0.1 --http-port "$http" \
    --broker "tcp://127.0.0.1:$mqtt" >"$work/serve.log" 2>&1 &
serve=$!
until curl -sf "http://127.0.0.1:$http/health" >/dev/null; do
    kill -0 "$serve" 2>/dev/null || { tail -5 "$work/serve.log" >&2; exit 1; }
    sleep 0.5
done
for i in 1 2 3; do
    ./sigmaquant-agent run --broker "tcp://127.0.0.1:$mqtt" --id "offline-$i" --profile raspberry-pi-5 --simulate \
        --keep-alive-s "$keep_alive" --cache-dir "$work/cache-$i" >"$work/agent-$i.log" 2>&1 &
    agents+=("$!") # the launcher execs java: this is the agent's JVM
    disown "$!"    # no "Killed" line from the shell: the kills below are the point
done
online() { # 0 when /api/agents lists agent $1 online
    curl -sf "http://127.0.0.1:$http/api/agents" | jq -e --arg id "$1" 'any(.[]; .id == $id and .online)' >/dev/null
}
for i in 1 2 3; do
    until online "offline-$i"; do sleep 0.5; done
done
echo "3 agents online; keep-alive ${keep_alive} s (the broker drops a silent client after" \
    "$(awk -v k="$keep_alive" 'BEGIN { print k * 1.5 }') s, plus its check period: 5 to 6 s in Mosquitto 2.0)"
sleep "$keep_alive" # every agent has sent at least one PINGREQ: the keep-alive clock runs in the broker
time_offline() { # SIGNAL INDEX: seconds from the signal to /api/agents listing the agent offline (60 s at most)
    local t0 t1
    t0="$(date +%s%N)"
    kill "-$1" "${agents[$2]}"
    while online "offline-$(($2 + 1))"; do
        if [ $(($(date +%s%N) - t0)) -gt 60000000000 ]; then echo "not seen offline within 60 s"; return; fi
        sleep 0.1
    done
    t1="$(date +%s%N)"
    awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f s\n", d / 1e9 }'
}
echo "SIGKILL (process gone, socket closed): offline after $(time_offline KILL 0)"
echo "SIGSTOP (hung, socket open):           offline after $(time_offline STOP 1)"
kill -CONT "${agents[1]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
