#!/usr/bin/env bash
# Partition signing through the CLI, against the reference tool's vectors:
# each run must reproduce outputs/ byte for byte (v12-v14, v16-v19) and the
# ECDSA-192 run (v15, where the reference crashes) must succeed.
#
# Usage: test_sign.sh <esp-secure-cert> <vectors dir>
# The CLI is run as the reference is: from a scratch directory, writing into
# ./esp_secure_cert_data/, with the reference's options plus --test-seed.
# Until `generate` takes --secure-sign this script reports a skip.
set -u

CLI=${1:?usage: test_sign.sh <cli> <vectors dir>}
VEC=${2:?usage: test_sign.sh <cli> <vectors dir>}
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
VEC=$(cd "$VEC" && pwd)

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }

if ! "$CLI" generate --help 2>&1 | grep -q -- '--secure-sign'; then
    echo "SKIP: 'generate' has no --secure-sign option yet"
    echo "0 passed, 0 failed"
    exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# run_in NAME VECTOR SEED ARGS... : run in the scratch dir $WORK/NAME with
# VECTOR's inputs copied in (so the relative paths of cmd.txt work).
run_in() {
    local name=$1 src=$2 seed=$3
    shift 3
    local dir="$WORK/$name"
    mkdir -p "$dir"
    cp -r "$VEC/$src/inputs" "$dir/inputs"
    chmod -R u+w "$dir/inputs"
    (cd "$dir" && "$CLI" generate "$@" --test-seed "$seed" >"$dir/stdout" 2>"$dir/stderr")
}
# run_vector NAME SEED ARGS...: the same with the vector's own inputs.
run_vector() {
    local name=$1
    shift
    run_in "$name" "$name" "$@"
}

same() { # same FILE_A FILE_B WHAT
    if cmp -s "$1" "$2"; then ok "$3"; else bad "$3 (differs: $1 vs $2)"; fi
}

COMMON=(--ca-cert inputs/test_ca.pem --device-cert inputs/test_dev_rsa2048.pem
        --private-key inputs/test_dev_rsa2048.key --skip_flash)

for v in "v12_signed_rsa3072 v12 esp32c3 rsa3072 inputs/test_sign_rsa3072.pem" \
         "v13_signed_ecdsa256 v13 esp32c3 ecdsa256 inputs/test_sign_ecdsa256.pem" \
         "v14_signed_ecdsa384 v14 esp32c5 ecdsa384 inputs/test_sign_ecdsa384.pem"; do
    set -- $v
    if run_vector "$1" "$2" "${COMMON[@]}" --target_chip "$3" --secure-sign --signing-scheme "$4" \
        --signing-key-file "$5"; then
        same "$WORK/$1/esp_secure_cert_data/esp_secure_cert_signed.bin" \
             "$VEC/$1/outputs/esp_secure_cert_signed.bin" "$1 signed image"
        same "$WORK/$1/esp_secure_cert_data/esp_secure_cert.bin" \
             "$VEC/$1/outputs/esp_secure_cert.bin" "$1 second-pass image"
    else
        bad "$1: generate failed: $(head -c 300 "$WORK/$1/stderr")"
    fi
done

name=v16_signed_multi_ecdsa256_rsa3072
if run_vector $name v16 "${COMMON[@]}" --target_chip esp32c3 --secure-sign --signing-scheme ecdsa256 \
    --signing-key-file inputs/test_sign_ecdsa256.pem inputs/test_sign_rsa3072.pem; then
    same "$WORK/$name/esp_secure_cert_data/esp_secure_cert_signed.bin" \
         "$VEC/$name/outputs/esp_secure_cert_signed.bin" "$name signed image"
    same "$WORK/$name/esp_secure_cert_data/esp_secure_cert.bin" \
         "$VEC/$name/outputs/esp_secure_cert.bin" "$name second-pass image"
else
    bad "$name: generate failed: $(head -c 300 "$WORK/$name/stderr")"
fi

name=v17_signed_with_ds_autokey
if run_vector $name v17 "${COMMON[@]}" --target_chip esp32c3 --configure_ds --efuse_key_id 1 \
    --priv_key_algo RSA 2048 --secure-sign --signing-scheme rsa3072 \
    --signing-key-file inputs/test_sign_rsa3072.pem; then
    for f in esp_secure_cert_signed.bin esp_secure_cert.bin hmac_key.bin; do
        same "$WORK/$name/esp_secure_cert_data/$f" "$VEC/$name/outputs/$f" "$name $f"
    done
else
    bad "$name: generate failed: $(head -c 300 "$WORK/$name/stderr")"
fi

name=v18_sign_existing_bin
if run_vector $name v18 --esp-secure-cert-file inputs/v01_output.bin --secure-sign --signing-scheme ecdsa256 \
    --signing-key-file inputs/test_sign_ecdsa256.pem --target_chip esp32c3 --skip_flash; then
    same "$WORK/$name/esp_secure_cert_data/esp_secure_cert_signed.bin" \
         "$VEC/$name/outputs/esp_secure_cert_signed.bin" "$name signed image"
else
    bad "$name: generate failed: $(head -c 300 "$WORK/$name/stderr")"
fi

# v15: the reference crashes on P-192; we must produce a signed image whose
# signature entry holds a 49-byte public key (curve id + X + Y).
name=v15_signed_ecdsa192
if run_vector $name v15 "${COMMON[@]}" --target_chip esp32c61 --secure-sign --signing-scheme ecdsa192 \
    --signing-key-file inputs/test_sign_ecdsa192.pem; then
    out="$WORK/$name/esp_secure_cert_data/esp_secure_cert_signed.bin"
    # Signed range = the reference's unsigned output (4080 bytes), then the
    # SIGNATURE_BLOCK header: magic, flags and reserved 0, type 8, subtype 0,
    # length 113 = 16 + 49 + 48.
    hdr=$(od -An -tx1 -j 4080 -N 12 "$out" 2>/dev/null | tr -d ' \n')
    if [ -f "$out" ] && cmp -s -n 4080 "$out" "$VEC/$name/outputs/esp_secure_cert.bin" &&
        [ "$hdr" = "11ba5eba0000000008007100" ]; then
        ok "$name signed with a 49-byte public key"
    else
        bad "$name: unexpected output (header $hdr)"
    fi
else
    bad "$name: generate failed: $(head -c 300 "$WORK/$name/stderr")"
fi

# v19: --append-integrity edits the file in place.
name=v19_append_integrity
mkdir -p "$WORK/$name"
cp "$VEC/$name/inputs/v01_output.bin" "$WORK/$name/appended.bin"
chmod u+w "$WORK/$name/appended.bin"
if (cd "$WORK/$name" && "$CLI" generate --append-integrity appended.bin >/dev/null 2>"$WORK/$name/stderr"); then
    same "$WORK/$name/appended.bin" "$VEC/$name/outputs/appended.bin" "$name appended.bin"
else
    bad "$name: --append-integrity failed: $(head -c 300 "$WORK/$name/stderr")"
fi

# Refusal: an RSA-2048 signing key (Secure Boot V2 RSA is 3072 bits only)
# fails with a message naming the size and a non-zero exit.
if run_in refuse_rsa2048 v13_signed_ecdsa256 x "${COMMON[@]}" --target_chip esp32c3 --secure-sign \
    --signing-scheme rsa3072 --signing-key-file inputs/test_dev_rsa2048.key; then
    bad "an RSA-2048 signing key was accepted"
elif grep -q 3072 "$WORK/refuse_rsa2048/stderr"; then
    ok "RSA-2048 signing key refused"
else
    bad "RSA-2048 refusal message: $(head -c 300 "$WORK/refuse_rsa2048/stderr")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
