#!/usr/bin/env bash
# Builds the file system the images start from, for one architecture, out of Debian 12's own packages: a
# glibc (ONNX Runtime's natives need glibc >= 2.27; no musl), a headless Java 17 runtime, and a non-root user.
# It needs no Docker engine and no container registry, only apt (as root: a foreign architecture is added).
#
#   docker/base/rootfs.sh amd64|arm64 OUT_DIR
#
# OUT_DIR is made anew. Its Java runs as OUT_DIR/usr/lib/jvm/java-17-openjdk-ARCH/bin/java; an arm64 one
# runs here through `qemu-aarch64-static -L OUT_DIR ...` (user-mode emulation, no binfmt needed).
set -euo pipefail
arch="${1:?usage: rootfs.sh amd64|arm64 OUT_DIR}"
out="${2:?usage: rootfs.sh amd64|arm64 OUT_DIR}"
case "$arch" in amd64|arm64) ;; *) echo "rootfs.sh: architecture must be amd64 or arm64, not '$arch'" >&2; exit 2 ;; esac
# The packages come from this machine's apt sources: only Debian 12's give the base the images are tested on.
codename="$( (. /etc/os-release 2>/dev/null && echo "${ID:-}/${VERSION_CODENAME:-}") || true)"
if [ "$codename" != debian/bookworm ]; then
  echo "rootfs.sh: needs a Debian 12 (bookworm) machine, since it takes this machine's apt packages; this is '${codename}' (/etc/os-release)" >&2
  exit 2
fi

# What a headless JVM running the controller or the agent loads, and nothing else.
packages=(libc6 libgcc-s1 libstdc++6 zlib1g openjdk-17-jre-headless)

if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
  apt-get update -q
fi
debs="$(mktemp -d)"
chmod 755 "$debs" # apt downloads as its own user
trap 'rm -rf "$debs"' EXIT
( cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]/%/:$arch}" >/dev/null )

rm -rf "$out"
mkdir -p "$out"
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$out"
done

# Absolute links inside the tree would point at this machine's files when it is not the root: make them
# relative, so that the tree works both as an image's root and as an emulator's -L folder.
find "$out" -type l -lname '/*' | while read -r link; do
  target="$(readlink "$link")"
  rel="$(realpath -m --relative-to="$(dirname "$link")" "$out$target")"
  ln -sfn "$rel" "$link"
done
# Debian's runtime takes its CA store from ca-certificates-java, which would pull in more than a JVM needs:
# the images trust only what they are given (the fleet's own CA, by flag), so an empty store is right.
jvm="$out/usr/lib/jvm/java-17-openjdk-$arch"
[ -e "$jvm/lib/security/cacerts" ] || rm -f "$jvm/lib/security/cacerts"

# The user the images run as, and the folders they write.
mkdir -p "$out/etc" "$out/tmp" "$out/var/lib/sigmaquant" "$out/var/cache/sigmaquant"
chmod 1777 "$out/tmp"
cat > "$out/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/usr/sbin/nologin
sigmaquant:x:10001:10001:SigmaQuant:/var/lib/sigmaquant:/usr/sbin/nologin
PASSWD
cat > "$out/etc/group" <<GROUP
root:x:0:
sigmaquant:x:10001:
GROUP
chown 10001:10001 "$out/var/lib/sigmaquant" "$out/var/cache/sigmaquant"
echo "rootfs.sh: $arch Java 17 runtime in $out ($(du -sh "$out" | cut -f1))"
