#!/usr/bin/env bash
# Prepares the base images the `images` Maven profile builds on, with no Docker engine and no registry:
# for amd64 and arm64, a root file system (rootfs.sh) and the same tree as a one-layer image tar in
# `docker save` format, which Jib takes as `tar://…` base image.
#
#   docker/base/prepare.sh            -> <repo>/target/base/{rootfs-amd64,rootfs-arm64,base-amd64.tar,base-arm64.tar}
#
# An image tar newer than rootfs.sh and this script is kept (CI runs this before every images build).
# Needs root (rootfs.sh adds a foreign architecture to apt; the layer keeps numeric owners such as 10001).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(cd "$here/../.." && pwd)/target/base"
mkdir -p "$out"

for arch in amd64 arm64; do
  image="$out/base-$arch.tar"
  root="$out/rootfs-$arch"
  if [ -f "$image" ] && [ -d "$root" ] && [ "$image" -nt "$here/rootfs.sh" ] && [ "$image" -nt "$here/prepare.sh" ]; then
    echo "prepare.sh: $image is up to date"
    continue
  fi
  "$here/rootfs.sh" "$arch" "$root"

  work="$(mktemp -d "$out/.base-$arch.XXXXXX")"
  # a failed step (tar, a full disk) leaves no half-made folder behind
  trap 'rm -rf "$work"' EXIT
  # Sorted names, fixed times and numeric owners: the same packages give the same layer digest, and the
  # user's folders stay owned by 10001 whatever this machine's passwd says.
  tar -C "$root" --sort=name --mtime=@0 --numeric-owner -cf "$work/layer.tar" .
  diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  java_home="/usr/lib/jvm/java-17-openjdk-$arch"
  # Docker's arch names are Debian's for these two; arm64 images carry the variant v8.
  variant=""
  [ "$arch" = arm64 ] && variant='"variant": "v8",'
  cat > "$work/config.json" <<JSON
{
  "architecture": "$arch", $variant
  "os": "linux",
  "created": "1970-01-01T00:00:00Z",
  "config": {
    "Env": ["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=$java_home"],
    "User": "10001",
    "WorkingDir": "/var/lib/sigmaquant"
  },
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "docker/base/rootfs.sh $arch (Debian 12 openjdk-17-jre-headless)"}]
}
JSON
  cat > "$work/manifest.json" <<JSON
[{"Config": "config.json", "RepoTags": ["sigmaquant/base:$arch"], "Layers": ["layer.tar"]}]
JSON
  tar -C "$work" -cf "$work/image.tar" manifest.json config.json layer.tar
  mv "$work/image.tar" "$image" # a half-written tar is never taken for a finished one
  rm -rf "$work"
  trap - EXIT
  echo "prepare.sh: $image ($(du -h "$image" | cut -f1))"
done
