#!/bin/bash
# Boots systemd with the agent's .deb installed, isolated from this machine (DebServiceIT):
#   systemd-sandbox.sh DEB MODEL WORKDIR
# Outside: moves itself into a cgroup of its own (WORKDIR/cgroup names it, for the test to remove) and
# re-runs itself in new cgroup, pid, mount, network, UTS and IPC namespaces. Inside, as PID 1: an overlay of /
# whose writes go to a tmpfs, the .deb installed there with dpkg, a private Mosquitto on the namespace's own
# loopback, and systemd booting only sq-test.target. Nothing outside the namespaces changes but the cgroup.
set -euo pipefail
deb=$1 model=$2 work=$3

if [ "${SQ_SANDBOX_INSIDE:-}" != 1 ]; then
    cg=/sys/fs/cgroup/unified
    [ -f $cg/cgroup.procs ] || cg=/sys/fs/cgroup # a pure cgroup2 machine
    cg=$cg/sigmaquant-deb-it.$$
    mkdir "$cg" && echo "$cg" > "$work/cgroup" && echo $$ > "$cg/cgroup.procs"
    SQ_SANDBOX_INSIDE=1 exec unshare --cgroup --pid --mount --net --uts --ipc --fork --propagation private \
        bash "$0" "$@"
fi

mkdir -p "$work/ovl" && mount -t tmpfs tmpfs "$work/ovl"
mkdir "$work/ovl/upper" "$work/ovl/work" "$work/ovl/root"
root=$work/ovl/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/ovl/upper,workdir=$work/ovl/work" "$root"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup" # the cgroup namespace's root: the cgroup made above
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"

cp "$deb" "$root/tmp/sigmaquant-agent.deb"
chroot "$root" dpkg -i /tmp/sigmaquant-agent.deb
mkdir -p "$root/opt/sq-test" && cp "$model" "$root/opt/sq-test/model.onnx"

cat > "$root/etc/sigmaquant/agent.conf" <<EOF
SIGMAQUANT_BROKER=tcp://127.0.0.1:1883
SIGMAQUANT_ID=sandboxed
SIGMAQUANT_PROFILE=x86-64-generic
SIGMAQUANT_ENERGY=estimate
SIGMAQUANT_CACHE_DIR=/var/cache/sigmaquant-agent
JAVA_OPTS=-Xmx256m
EOF
printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stdout\n' \
    > "$root/etc/sq-test-mosquitto.conf"
cat > "$root/etc/systemd/system/sq-test-mosquitto.service" <<EOF
[Unit]
Before=sigmaquant-agent.service
[Service]
ExecStart=$(command -v mosquitto || echo /usr/sbin/mosquitto) -c /etc/sq-test-mosquitto.conf
EOF
# A one-shot inference under the agent unit's own sandbox: the unit with another ExecStart.
sed -e 's|^ExecStart=.*|ExecStart=/usr/bin/sigmaquant-agent bench /opt/sq-test/model.onnx --runs 20|' \
    -e 's/^Type=exec/Type=oneshot/' -e '/^Restart/d' -e '/^\[Install\]/,$d' \
    "$root/lib/systemd/system/sigmaquant-agent.service" > "$root/etc/systemd/system/sq-test-bench.service"
cat > "$root/etc/systemd/system/sq-test.target" <<EOF
[Unit]
Wants=systemd-journald.service sq-test-mosquitto.service sigmaquant-agent.service
EOF

cd "$root"
exec chroot . env container=other /lib/systemd/systemd --unit=sq-test.target --show-status=no
