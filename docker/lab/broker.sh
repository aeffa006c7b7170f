#!/bin/sh
# Mosquitto for the lab (the `mosquitto` service of ../compose.yaml): the configuration of ../mosquitto, with the
# broker's certificate, key and the CA's revocation list that the `pki` service publishes in /fleet.
#
# Mosquitto reads its files as the `mosquitto` user and reads the CRL only at start and on SIGHUP; this script
# copies them where mosquitto.conf expects them (/mosquitto/certs), owned by that user, starts the broker, and
# whenever the published CRL changes (`pki revoke`, the monthly `pki crl`) copies it and sends SIGHUP, so that a
# revoked agent cannot connect again. When the broker's certificate is issued again (pki.sh does so when
# SIGMAQUANT_LAB_HOST changes), it installs the new one and restarts Mosquitto on it.
set -eu
FLEET="${LAB_FLEET:-/fleet}"
CERTS="${LAB_CERTS:-/mosquitto/certs}"

install_file() { # source, name, mode
  cp "$1" "$CERTS/$2.tmp" && chmod "$3" "$CERTS/$2.tmp" && mv -f "$CERTS/$2.tmp" "$CERTS/$2"
  if [ "$(id -u)" = 0 ]; then chown mosquitto:mosquitto "$CERTS/$2"; fi
}

install_all() {
  install_file "$FLEET/ca.crt" ca.crt 644
  install_file "$FLEET/broker/broker.crt" broker.crt 644
  install_file "$FLEET/broker/broker.key" broker.key 600
  install_file "$FLEET/crl.pem" crl.pem 644
}
start_broker() {
  ${LAB_MOSQUITTO:-/usr/sbin/mosquitto} -c "${LAB_CONFIG:-/mosquitto/config/mosquitto.conf}" &
  broker=$!
}

mkdir -p "$CERTS"
install_all
start_broker
trap 'kill -TERM "$broker" 2>/dev/null' TERM INT

while kill -0 "$broker" 2>/dev/null; do
  sleep 2 &
  wait $! || true
  if [ -f "$FLEET/broker/broker.crt" ] && ! cmp -s "$FLEET/broker/broker.crt" "$CERTS/broker.crt"; then
    sleep 1 # pki.sh publishes the key right after the certificate
    kill -TERM "$broker" 2>/dev/null || true
    wait "$broker" || true
    install_all
    start_broker
    echo "lab broker: new broker certificate, Mosquitto restarted on it"
  elif [ -f "$FLEET/crl.pem" ] && ! cmp -s "$FLEET/crl.pem" "$CERTS/crl.pem"; then
    install_file "$FLEET/crl.pem" crl.pem 644
    kill -HUP "$broker"
    echo "lab broker: revocation list updated, Mosquitto reloaded"
  fi
done
wait "$broker"
