#!/usr/bin/env bash
# Set-up on a fresh Debian machine (as root, or with sudo): system packages, pnpm, the workspace
# install and build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
# dataset-fashion-mnist: the second real dataset (IDX); chromium: the browser tests;
# python3-torch / python3-numpy / libopenblas0-pthread: the peers of the benchmarks and fixture scripts.
APT_PACKAGES="dataset-fashion-mnist chromium python3-numpy python3-torch libopenblas0-pthread"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ -n "$SUDO" ] || [ "$(id -u)" = 0 ]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
  else
    echo "setup: cannot install Debian packages ($missing) without root; tests that need them will fail" >&2
  fi
fi

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile
pnpm run build

# This workplace has no internet beyond package registries. Where a copy of the official CIFAR-10
# archive sits beside the checkout (../shared/data), seed the download cache with it so that the
# main command needs no download; elsewhere `backprop` downloads it on first use.
CACHE_DIR="${BACKPROP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backprop}"
if [ -f ../shared/data/cifar-10-binary.tar.gz ] && [ ! -f "$CACHE_DIR/cifar-10-binary.tar.gz" ]; then
  mkdir -p "$CACHE_DIR"
  cp ../shared/data/cifar-10-binary.tar.gz "$CACHE_DIR/.cifar-10-binary.tar.gz.part"
  mv "$CACHE_DIR/.cifar-10-binary.tar.gz.part" "$CACHE_DIR/cifar-10-binary.tar.gz"
fi
