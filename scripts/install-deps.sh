#!/usr/bin/env bash
# Install the Debian 12 packages the build, tests and checks need, when any is
# missing. Runs apt-get only as root (or with sudo); otherwise it says what to
# install and fails.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libmbedtls-dev libssl-dev libcmocka-dev clang
      gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf python3 python3-kconfiglib)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "install-deps: run as root, or install: ${missing[*]}" >&2
    exit 1
fi
