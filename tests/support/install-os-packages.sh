#!/usr/bin/env bash
# Installs the Debian packages Bucketshare's tests need, and only those missing:
#   chromium-headless-shell (end-to-end tests: Debian's Chromium without its window) and chromium (whose
#   dependencies bring the fonts the visual check's pictures were made with); the two real S3-compatible servers: OpenStack Swift + memcached,
#   and Ceph RGW (radosgw, ceph-mon, ceph-osd: a throw-away one-node cluster, lib/dev/ceph.ts);
#   nginx (two app instances behind one proxy, tests/support/nginx.ts); libarchive-tools (bsdtar)
#   and unzip (reading the ZIP archives the app makes). setpriv (util-linux) is essential on Debian.
# Idempotent: runs `apt-get update` only when something must be installed.
# Package scripts must not start services (nginx would take port 80, memcached 11211, rsyslog…):
# while installing, a policy-rc.d that denies every start is in place unless one already exists
# (containers without systemd usually have one; it is removed again afterwards).
# Works as root; otherwise uses sudo when available.
set -euo pipefail

packages=(chromium chromium-headless-shell swift-proxy swift-account swift-container swift-object memcached
  radosgw ceph-mon ceph-osd nginx libarchive-tools unzip)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-os-packages: all present (${packages[*]})"
  exit 0
fi

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "install-os-packages: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
}

echo "install-os-packages: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap 'as_root rm -f "$policy"' EXIT
fi
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "install-os-packages: done"
