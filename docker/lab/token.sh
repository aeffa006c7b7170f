#!/bin/sh
# `sigmaquant token create|list|revoke` against the lab's PostgreSQL store, from the `pki` service:
#   docker compose -f docker/compose.yaml exec pki sh /lab/token.sh create --role operator --name me
set -eu
command="${1:?usage: token.sh create|list|revoke ...}"
shift
exec ${LAB_CLI:-sh /lab/cli.sh} token "$command" --store-url "$LAB_STORE_URL" --store-user "$LAB_STORE_USER" \
  --store-password "$LAB_STORE_PASSWORD" "$@"
