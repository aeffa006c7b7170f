#!/bin/sh
# One simulated agent of the lab (the `agent` service of ../compose.yaml, `--scale agent=N`), run by the busybox
# shell the `init` service copied in. Every agent needs a certificate of its own, whose CN is its id: a replica
# takes `sim-<its container's host name>` as id, asks the `pki` service for that certificate, waits for it and
# starts `sigmaquant-agent run` with it. Every other setting comes from the SIGMAQUANT_* variables of the service.
set -eu
trap 'exit 0' TERM INT   # while it waits for its certificate (then the JVM takes over this process)
ENROL="${LAB_ENROL:-/enrol}"
id="sim-$(hostname)"
bundle="$ENROL/agents/$id.pem"

if [ ! -f "$bundle" ]; then
  touch "$ENROL/requests/$id"
  waited=0
  until [ -f "$bundle" ]; do
    if [ "$waited" -ge 120 ]; then
      echo "lab agent $id: no certificate from the pki service after 120 s (see: docker compose logs pki)" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
fi

export SIGMAQUANT_TLS_BUNDLE="$bundle"
# exec: the JVM becomes the container's first process, so `docker compose stop` reaches its shutdown hook, which
# publishes `offline` before it leaves. LAB_CLI replaces the image's CLI when the script runs outside a container.
exec ${LAB_CLI:-sh /lab/cli.sh} run
