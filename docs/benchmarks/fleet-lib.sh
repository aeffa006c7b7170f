# Shared by fleet-matrix.sh and fleet-soak.sh (sourced, not run): a local Mosquitto, a fresh PostgreSQL
# database, and one or more `serve` processes on them. Needs mosquitto, psql/createdb/dropdb (PostgreSQL on
# $PGHOST:$PGPORT, user postgres, trust auth) and the built controller jar.
# Settings (environment): MQTT_PORT (18830), HTTP_PORT (18080: replica i listens on HTTP_PORT + i - 1),
# PGHOST (127.0.0.1), PGPORT (5432), SERVE_OPTS (extra flags for every serve), SERVE_JAVA_OPTS (JVM options).
MQTT_PORT="${MQTT_PORT:-18830}"
HTTP_PORT="${HTTP_PORT:-18080}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
JAR=controller/target/sigmaquant-controller-0.1.0-SNAPSHOT.jar
BROKER_URL="tcp://127.0.0.1:$MQTT_PORT"
declare -a SERVE_PIDS=() SERVE_URLS=()
BROKER_PID=""

fleet_build() {
    [ -f "$JAR" ] || ./sigmaquant --version >/dev/null # builds on first use
}

# fleet_broker_start WORK: Mosquitto on MQTT_PORT, connection limit off, no persistence (a restart loses the
# retained statuses: the agents announce themselves again when they reconnect).
fleet_broker_start() {
    local work="$1"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\nmax_queued_messages 10000\n' \
        "$MQTT_PORT" >"$work/mosquitto.conf"
    until ! (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; do sleep 0.5; done # the last one has let go
    mosquitto -c "$work/mosquitto.conf" >>"$work/mosquitto.log" 2>&1 &
    BROKER_PID=$!
    sleep 1
    kill -0 "$BROKER_PID" 2>/dev/null || { tail -5 "$work/mosquitto.log" >&2; return 1; }
}

fleet_broker_stop() {
    [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
}

# fleet_db_fresh DB: drops and creates the database (the serve processes create the tables).
fleet_db_fresh() {
    dropdb --if-exists "$1"
    createdb "$1"
}

fleet_store_url() {
    echo "jdbc:postgresql://$PGHOST:$PGPORT/$1"
}

# fleet_serve_start WORK DB I REPLICAS CONCURRENT_RUNS: starts replica I (1-based) and waits for its /health.
# With more than one replica they share the folder WORK/shared and end their broker session with their
# connection (--mqtt-session-expiry-s 0: Mosquitto would queue a dead replica's share of the results); each
# replica's id is its MQTT client id, kept in its own data folder WORK/rI.
fleet_serve_start() {
    local work="$1" db="$2" i="$3" replicas="$4" runs="$5"
    local port=$((HTTP_PORT + i - 1))
    local -a replica_flags=()
    if [ "$replicas" -gt 1 ]; then
        replica_flags=(--shared-dir "$work/shared" --mqtt-session-expiry-s 0)
        mkdir -p "$work/shared"
    fi
    until ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.5; done
    # shellcheck disable=SC2086 # SERVE_OPTS is words
    # shellcheck disable=SC2086 # SERVE_JAVA_OPTS is words
    java ${SERVE_JAVA_OPTS:-} -jar "$JAR" serve --data-dir "$work/r$i" --http-host 127.0.0.1 --http-port "$port" \
        --broker "$BROKER_URL" --store-url "$(fleet_store_url "$db")" --store-user "$PGUSER" \
        --concurrent-runs "$runs" --wait-for-agent-s 120 "${replica_flags[@]}" ${SERVE_OPTS:-} \
        >>"$work/serve-r$i.log" 2>&1 &
    SERVE_PIDS[$i]=$!
    SERVE_URLS[$i]="http://127.0.0.1:$port"
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
        kill -0 "${SERVE_PIDS[$i]}" 2>/dev/null || { tail -5 "$work/serve-r$i.log" >&2; return 1; }
        sleep 0.5
    done
}

# fleet_serve_kill I [SIGNAL]: stops replica I (SIGTERM by default) and waits for it.
fleet_serve_kill() {
    local pid="${SERVE_PIDS[$1]:-}"
    [ -n "$pid" ] || return 0
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    SERVE_PIDS[$1]=""
}

fleet_stop_all() {
    local i
    for i in "${!SERVE_PIDS[@]}"; do fleet_serve_kill "$i"; done
    SERVE_PIDS=()
    SERVE_URLS=()
    fleet_broker_stop
}

# The --server flags of bench-fleet, one per replica started.
fleet_server_flags() {
    local i
    for i in "${!SERVE_URLS[@]}"; do printf -- '--server\n%s\n' "${SERVE_URLS[$i]}"; done
}
