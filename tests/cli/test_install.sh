#!/usr/bin/env bash
# `cmake --install` gives headers, libesp_secure_cert.a, esp-secure-cert.pc and
# the CLI; an application written for the original component then builds with
# `cc app.c $(pkg-config --cflags --libs esp-secure-cert)` and reads a partition.
# usage: test_install.sh CLI VECTORS_DIR
set -euo pipefail
CLI=$(realpath "$1")
VEC=$(realpath "$2")
build=$(dirname "$CLI")
src=$(cd "$VEC/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
check "static library installed" test -f "$tmp/prefix/lib/libesp_secure_cert.a"
check "pkg-config file installed" test -f "$tmp/prefix/lib/pkgconfig/esp-secure-cert.pc"
check "CLI installed" test -x "$tmp/prefix/bin/esp-secure-cert"
for h in esp_secure_cert_read.h esp_secure_cert_tlv_read.h esp_secure_cert_tlv_config.h esp_secure_cert_write.h \
         esp_secure_cert_write_errors.h esp_secure_cert_crypto.h esp_secure_cert_signature_verify.h esp_err.h \
         esp_partition.h esp_secure_cert_host.h; do
    check "header $h" test -f "$tmp/prefix/include/esp_secure_cert/$h"
done

export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror ${ESC_APP_CFLAGS:-} "$src/examples/host_app/main.c" $(pkg-config --cflags --libs esp-secure-cert) -o "$tmp/app"
check "app builds with pkg-config" test -x "$tmp/app"

out=$(ESP_SECURE_CERT_FLASH="$VEC/v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin" ESP_SECURE_CERT_READONLY=1 \
      "$tmp/app" 2>/dev/null)
check "app reads the device cert" grep -qx "device_cert_len=1108" <<<"$out"
check "app iterates 4 entries" grep -qx "entries=4" <<<"$out"
check "app verifies integrity" grep -qx "integrity=ESP_OK" <<<"$out"
if ESP_SECURE_CERT_FLASH="$tmp/missing.bin" "$tmp/app" >/dev/null 2>&1; then r=0; else r=1; fi
check "app fails cleanly without an image" test "$r" -eq 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
