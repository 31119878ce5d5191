#!/usr/bin/env bash
# The main job, on bundled TEST-ONLY PKI (tests/vectors/keys): build the CLI,
# generate a plain and a DS partition, and show what a device would see.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DESC_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "${JOBS:-2}" --target esp-secure-cert >/dev/null
cli=build/release/esp-secure-cert
keys=tests/vectors/keys
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "generate a plain partition (CA, device cert, private key)"
"$cli" generate --ca-cert "$keys/test_ca.pem" --device-cert "$keys/test_dev_ecp256.pem" \
    --private-key "$keys/test_dev_ecp256.key" --target-chip esp32c3 -o "$out/plain.bin"
step "list it"
"$cli" list "$out/plain.bin"
step "what the device sees through the public API"
"$cli" simulate --flash "$out/plain.bin"

step "generate an RSA DS partition for esp32c3 (eFuse key block 1)"
"$cli" generate --ca-cert "$keys/test_ca.pem" --device-cert "$keys/test_dev_rsa2048.pem" \
    --private-key "$keys/test_dev_rsa2048.key" --target-chip esp32c3 --configure-ds --priv-key-algo RSA 2048 \
    --efuse-key-id 1 --efuse-key-file "$keys/test_hmac_key.bin" -o "$out/ds.bin"
"$cli" list "$out/ds.bin"
step "simulate it with the HMAC key burned in eFuse KEY1 (DS self-test signs through the emulated peripheral)"
printf 'KEY1 HMAC_DOWN_DIGITAL_SIGNATURE %s\n' "$(od -An -tx1 -v "$keys/test_hmac_key.bin" | tr -d ' \n')" \
    > "$out/efuse.txt"
"$cli" simulate --flash "$out/ds.bin" --efuse "$out/efuse.txt" --target-chip esp32c3 --json
step "verify the partition"
"$cli" verify "$out/ds.bin"
