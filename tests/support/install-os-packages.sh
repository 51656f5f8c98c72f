#!/usr/bin/env bash
# Installs the Debian packages Bucketshare's tests need, and only those missing:
#   chromium (end-to-end tests), OpenStack Swift + memcached (real S3-compatible server).
# Idempotent: runs `apt-get update` only when something must be installed.
# Works as root; otherwise uses sudo when available.
set -euo pipefail

packages=(chromium swift-proxy swift-account swift-container swift-object memcached)

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
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "install-os-packages: done"
