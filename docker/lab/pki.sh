#!/bin/sh
# The lab's certificate authority and enrolment desk (the `pki` service of ../compose.yaml), run by the busybox
# shell the `init` service copied in (the SigmaQuant images carry a JVM and no shell).
#
# Once: the CA, the broker's and the controller's certificates (`sigmaquant pki init|issue`, as in "Securing a
# fleet" in the README), and a viewer token Prometheus scrapes /metrics with. Then, for ever: a certificate for
# every simulated agent that asks for one (agent.sh writes ENROL/requests/<id>), and the CRL copied out when
# `pki revoke` or `pki crl` rewrites it. The CA key stays in PKI, a volume only this service mounts.
#
# Paths come from the environment so that the script also runs outside a container (see the README).
set -eu
# The container's first process: without a handler it would ignore `docker compose stop` until killed.
trap 'exit 0' TERM INT
PKI="${LAB_PKI:-/pki}"          # CA, index, every key (private to this service)
FLEET="${LAB_FLEET:-/fleet}"    # what the broker, the controller and Prometheus read
ENROL="${LAB_ENROL:-/enrol}"    # the simulated agents' requests and certificates
DB_URL="${LAB_STORE_URL:?LAB_STORE_URL: the JDBC URL of the controller store}"
DB_USER="${LAB_STORE_USER:-sigmaquant}"
DB_PASSWORD="${LAB_STORE_PASSWORD:?LAB_STORE_PASSWORD}"

# The image's CLI (cli.sh); LAB_CLI replaces it when the script runs outside a container.
sigmaquant() {
  ${LAB_CLI:-sh /lab/cli.sh} "$@"
}

# Copies $1 to $2 with mode $3 through a temporary file, so that a reader never sees half a file.
publish() {
  cp "$1" "$2.tmp" && chmod "$3" "$2.tmp" && mv -f "$2.tmp" "$2"
}

# Not ready until this start's certificates are published: a `ready` left by the last run would let the broker
# and the controller start on files about to be replaced.
rm -f "$FLEET/ready"
mkdir -p "$FLEET/broker" "$FLEET/controller" "$FLEET/prometheus" "$ENROL/requests" "$ENROL/agents"
if [ ! -f "$PKI/ca.crt" ]; then
  sigmaquant pki init --dir "$PKI"
fi
# `mosquitto` and `controller` are the host names inside the compose network; localhost for a browser, curl and
# `optimize --server` on the machine that runs the lab; LAB_HOST (SIGMAQUANT_LAB_HOST) the name boards reach it
# at. PKI/lab-host records the LAB_HOST the two certificates were issued for: when it changes, both are issued
# again (--force revokes the old ones); the broker restarts itself on its new certificate (broker.sh).
lab_host="${LAB_HOST:-}"
[ "$lab_host" = controller ] && lab_host=""
public=""
if [ -n "$lab_host" ]; then
  public="--host $lab_host"
fi
changed=""
if [ "$(cat "$PKI/lab-host" 2>/dev/null || true)" != "$lab_host" ]; then
  changed=yes
fi
# Issues the server certificate $1 ($2: the compose network's name for it) unless it exists for this LAB_HOST.
issue_server() {
  force=""
  if [ -f "$PKI/${1}s/$1.pem" ]; then
    [ -n "$changed" ] || return 0
    force="--force"
    echo "lab pki: SIGMAQUANT_LAB_HOST is now '$lab_host': issuing the $1 certificate again"
  fi
  sigmaquant pki issue --dir "$PKI" "--$1" "$1" --host "$2" --host localhost --host 127.0.0.1 $public $force
}
issue_server broker mosquitto
issue_server controller controller
printf '%s\n' "$lab_host" > "$PKI/lab-host"
# A CRL is signed for 30 days and Mosquitto refuses everyone once it is out of date: sign it afresh at each
# start and whenever it is older than 20 days (broker.sh passes a new one on to Mosquitto by itself).
sigmaquant pki crl --dir "$PKI"

publish "$PKI/ca.crt" "$FLEET/ca.crt" 644
publish "$PKI/brokers/broker.crt" "$FLEET/broker/broker.crt" 644
publish "$PKI/brokers/broker.key" "$FLEET/broker/broker.key" 600
publish "$PKI/controllers/controller.pem" "$FLEET/controller/controller.pem" 600

# Prometheus needs a token for /metrics (tokens are required with TLS); a viewer one can only read.
# `sigmaquant token` takes the store password as a flag only (no file or variable), so it is on this command line
# for the moment the command runs: visible to processes of this container only (the pki service runs nothing else).
if [ ! -s "$FLEET/prometheus/token" ]; then
  sigmaquant token create --role viewer --name prometheus --store-url "$DB_URL" --store-user "$DB_USER" \
    --store-password "$DB_PASSWORD" > "$FLEET/prometheus/token.tmp"
  chmod 644 "$FLEET/prometheus/token.tmp"   # Prometheus runs as another user; a viewer token, in a lab
  mv -f "$FLEET/prometheus/token.tmp" "$FLEET/prometheus/token"
fi
publish "$PKI/crl.pem" "$FLEET/crl.pem" 644
touch "$FLEET/ready"
echo "lab pki: CA, broker and controller certificates in place; enrolling simulated agents"

while :; do
  for request in "$ENROL"/requests/*; do
    [ -f "$request" ] || continue
    id="$(basename "$request")"
    if [ ! -f "$ENROL/agents/$id.pem" ]; then
      if sigmaquant pki issue --dir "$PKI" --agent "$id" >/dev/null; then
        publish "$PKI/agents/$id.pem" "$ENROL/agents/$id.pem" 600
        echo "lab pki: enrolled agent $id"
      fi
    fi
    rm -f "$request"
  done
  if [ -n "$(find "$PKI/crl.pem" -mtime +20)" ]; then
    sigmaquant pki crl --dir "$PKI"
  fi
  if ! cmp -s "$PKI/crl.pem" "$FLEET/crl.pem"; then
    publish "$PKI/crl.pem" "$FLEET/crl.pem" 644
    echo "lab pki: revocation list updated"
  fi
  sleep 1
done
