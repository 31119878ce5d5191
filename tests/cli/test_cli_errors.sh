#!/usr/bin/env bash
# Bad input and usage errors: exit codes (1 bad input, 2 usage) and messages
# that name what is wrong; outputs are never half-written or clobbered.
#
# usage: test_cli_errors.sh CLI VECTORS_DIR
set -u
CLI=$(realpath "$1")
VEC=$(realpath "$2")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
pass=0; fail=0
K="$VEC/keys"
V01="$VEC/v01_pem_rsa2048_plain"

# run CODE REGEX DESCRIPTION -- command...: exit code must be CODE and
# stderr+stdout must match REGEX (extended, case-sensitive).
run() {
    local code=$1 regex=$2 desc=$3; shift 4
    "$@" >"$W/.out" 2>&1
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        echo "FAIL $desc: exit $rc, expected $code: $(head -c 300 "$W/.out" | tr '\n' ' ')"; fail=$((fail + 1))
    elif [ -n "$regex" ] && ! grep -Eq -- "$regex" "$W/.out"; then
        echo "FAIL $desc: output does not match /$regex/: $(head -c 300 "$W/.out" | tr '\n' ' ')"; fail=$((fail + 1))
    else
        echo "PASS $desc"; pass=$((pass + 1))
    fi
}
ok() { # description -- test command
    local desc=$1; shift 2
    if "$@"; then echo "PASS $desc"; pass=$((pass + 1)); else echo "FAIL $desc"; fail=$((fail + 1)); fi
}

GEN=("$CLI" generate -q)

# ---- usage errors: exit 2 ----
run 2 "unknown option '--bogus'" "unknown flag" -- "${GEN[@]}" --bogus
run 2 "unknown option '--nope'" "unknown flag on list" -- "$CLI" list --nope x.bin
run 2 "unknown command 'frobnicate'" "unknown command" -- "$CLI" frobnicate
run 2 "needs 1 value" "option without its value" -- "${GEN[@]}" --ca-cert
run 2 "needs 2 values" "--priv-key-algo with one value" -- "${GEN[@]}" --priv_key_algo RSA --skip_flash
run 2 "not one of" "unknown target chip" -- "${GEN[@]}" --target-chip esp8266 --ca-cert "$K/test_ca.pem"
run 2 "expected one IMAGE" "list without image" -- "$CLI" list
run 2 "--flash IMAGE is required" "simulate without image" -- "$CLI" simulate
run 2 "efuse-key-id" "--configure-ds without --efuse-key-id" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --priv_key_algo RSA 2048
run 2 "priv-key-algo" "--configure-ds without --priv-key-algo" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --efuse_key_id 1
run 2 "only allowed with --test-seed" "--test-preset-draws without a seed" -- "${GEN[@]}" --test-preset-draws 00
run 2 "'z' at position 1 is not a hex digit" "--test-preset-draws not hex" -- "${GEN[@]}" --test-seed x \
    --test-preset-draws zz
run 2 "odd number of hex digits" "--test-preset-draws odd length" -- "${GEN[@]}" --test-seed x --test-preset-draws abc
run 2 "" "no command" -- "$CLI"
many_digests=()
for i in $(seq 17); do many_digests+=(--trusted-digest "$(printf '%064d' "$i")"); done
run 2 "at most 16" "more trusted digests than are checked" -- "$CLI" verify \
    "$VEC/v13_signed_ecdsa256/outputs/esp_secure_cert_signed.bin" "${many_digests[@]}"
run 2 "FILE is required" "batch without a file" -- "$CLI" batch

# ---- --help everywhere, --version ----
for c in list simulate verify parse generate batch; do
    run 0 "^usage: esp-secure-cert $c" "$c --help" -- "$CLI" "$c" --help
done
run 0 "^usage: esp-secure-cert COMMAND" "top-level --help" -- "$CLI" --help
run 0 "^esp-secure-cert [0-9]+\.[0-9]+" "--version" -- "$CLI" --version

# ---- bad files: exit 1, the file named ----
run 1 "missing\.pem' not found" "missing certificate file" -- "${GEN[@]}" --ca-cert missing.pem -o a.bin
run 1 "nothing\.bin" "list of a missing file" -- "$CLI" list nothing.bin
run 1 "not found" "simulate of a missing file" -- "$CLI" simulate --flash nothing.bin
printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' >bad.pem
run 1 "bad\.pem.*not a valid X.509 certificate" "PEM block that is not a certificate" -- "${GEN[@]}" --ca-cert bad.pem -o a.bin
printf -- '-----BEGIN CERTIFICATE-----\n%%%%%%%%\n-----END CERTIFICATE-----\n' >bad64.pem
run 1 "invalid base64" "PEM with bad base64" -- "${GEN[@]}" --ca-cert bad64.pem -o a.bin
run 1 "test_ca\.pem.*not a PEM or DER private key|no PEM PRIVATE KEY" "certificate given as the key" -- \
    "${GEN[@]}" --private-key "$K/test_ca.pem" -o a.bin
head -c 300 /dev/urandom >noise.bin
run 1 "noise\.bin.*not a PEM or DER X.509" "random bytes as certificate" -- "${GEN[@]}" --device-cert noise.bin -o a.bin
run 1 "no TLV entry" "list of a non-image" -- "$CLI" list noise.bin
run 1 "entries: no TLV entry" "verify of a non-image" -- "$CLI" verify noise.bin
ok "nothing written after failures" -- test ! -e a.bin

# ---- encrypted keys ----
openssl pkey -in "$K/test_dev_rsa2048.key" -aes256 -passout pass:right-pass -out enc.key 2>/dev/null
run 1 "wrong password" "wrong password" -- "${GEN[@]}" --private-key enc.key --password wrong -o a.bin
run 1 "encrypted; give its password" "encrypted key without password" -- "${GEN[@]}" --private-key enc.key -o a.bin
# The right password stores the same bytes as the plain key (v01).
run 0 "" "right password (--pwd spelling)" -- "${GEN[@]}" --ca-cert "$V01/inputs/test_ca.pem" \
    --device-cert "$V01/inputs/test_dev_rsa2048.pem" --private-key enc.key --pwd right-pass -o enc.bin
ok "encrypted key stored as the plain key would be (v01)" -- cmp -s enc.bin "$V01/outputs/esp_secure_cert.bin"

# ---- both spellings of every flag, -o -, chains ----
"${GEN[@]}" --ca-cert "$V01/inputs/test_ca.pem" --device-cert "$V01/inputs/test_dev_rsa2048.pem" \
    --private-key "$V01/inputs/test_dev_rsa2048.key" --target_chip esp32c3 --skip_flash -o - >stdout.bin 2>/dev/null
ok "-o - writes the image to stdout" -- cmp -s stdout.bin "$V01/outputs/esp_secure_cert.bin"
cat "$V01/inputs/test_dev_rsa2048.pem" "$K/test_ca.pem" >chain.pem
run 0 "only the first is stored" "chain file: first certificate, with a warning" -- "$CLI" generate \
    --ca-cert "$V01/inputs/test_ca.pem" --device-cert chain.pem --private-key "$V01/inputs/test_dev_rsa2048.key" \
    --target-chip esp32c3 --sec-cert-part-offset 0xD000 -o chain.bin
ok "chain file gives the single-certificate image" -- cmp -s chain.bin "$V01/outputs/esp_secure_cert.bin"
run 0 "write_flash 0x9000 " "esptool command with the given offset" -- "$CLI" generate --ca-cert "$K/test_ca.pem" \
    --sec_cert_part_offset 0x9000 -p /dev/ttyUSB0 -o off.bin

# ---- no clobbering ----
printf 'precious' >exists.bin
before=$(sha256sum <exists.bin)
run 1 "exists.bin' already exists.*--force" "existing output refused" -- "${GEN[@]}" --ca-cert "$K/test_ca.pem" -o exists.bin
ok "refused output left untouched" -- test "$before" = "$(sha256sum <exists.bin)"
run 0 "" "--force replaces it" -- "${GEN[@]}" --ca-cert "$K/test_ca.pem" -o exists.bin --force
ok "--force wrote the image" -- bash -c '"$1" verify "$2" >/dev/null' _ "$CLI" exists.bin
mkdir -p esp_secure_cert_data && printf 'old' >esp_secure_cert_data/esp_secure_cert.bin
run 1 "already exists" "default output path is not clobbered either" -- "${GEN[@]}" --ca-cert "$K/test_ca.pem"
ok "default output left untouched" -- test "$(cat esp_secure_cert_data/esp_secure_cert.bin)" = old
mkdir -p parsed && touch parsed/keep
run 1 "not empty" "parse into a non-empty directory" -- "$CLI" parse "$V01/outputs/esp_secure_cert.bin" --output-dir parsed

# ---- CSV errors name file:line:column ----
cat >bad_type.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_USER_DATA_1_TLV,0,hello,string,,,,,
ESP_SECURE_CERT_USER_DATA_2_TLV,1,hello,blob,,,,,
CSV
run 1 "bad_type\.csv:3:41: data_type 'blob'" "CSV: bad data_type cell" -- "${GEN[@]}" --csv bad_type.csv -o c.bin
cat >bad_hex.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_USER_DATA_1_TLV,0,0011zz,hex,,,,,
CSV
run 1 "bad_hex\.csv:2:35: invalid hex" "CSV: bad hex value" -- "${GEN[@]}" --csv bad_hex.csv -o c.bin
cat >bad_sub.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
# a comment row is skipped
ESP_SECURE_CERT_USER_DATA_1_TLV,x7,abc,string,,,,,
CSV
run 1 "bad_sub\.csv:3:33: tlv_subtype 'x7'" "CSV: bad subtype" -- "${GEN[@]}" --csv bad_sub.csv -o c.bin
cat >bad_name.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_NOT_A_TLV,0,abc,string,,,,,
CSV
run 1 "bad_name\.csv:2:1: tlv_type 'ESP_SECURE_CERT_NOT_A_TLV'" "CSV: unknown type name" -- "${GEN[@]}" --csv bad_name.csv -o c.bin
printf 'tlv_type,tlv_subtype,data_value,data_type\n51,0,"unterminated,string\n' >bad_quote.csv
run 1 "bad_quote\.csv:2:6: quoted field is not closed" "CSV: unterminated quote" -- "${GEN[@]}" --csv bad_quote.csv -o c.bin
printf 'tlv_subtype,data_value,data_type\n0,a,string\n' >no_type.csv
run 1 "no_type\.csv:1: the header has no 'tlv_type' column" "CSV: header without tlv_type" -- "${GEN[@]}" --csv no_type.csv -o c.bin
cat >dup.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_USER_DATA_1_TLV,0,a,string,,,,,
ESP_SECURE_CERT_USER_DATA_1_TLV,0,b,string,,,,,
CSV
run 1 "dup\.csv:3: duplicate entry USER_DATA_1 subtype 0 \(first given at dup\.csv:2\)" "CSV: duplicate type/subtype" -- \
    "${GEN[@]}" --csv dup.csv -o c.bin
cat >missing_file.csv <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_CA_CERT_TLV,0,no_such.pem,file,,,,,
CSV
run 1 "missing_file\.csv:2:31: file 'no_such.pem' not found" "CSV: missing file" -- "${GEN[@]}" --csv missing_file.csv -o c.bin
cat >nokind.csv <<EOF
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_PRIV_KEY_TLV,0,$K/test_dev_rsa2048.key,file,,,,,
EOF
run 1 "nokind\.csv:2: a PRIV_KEY entry needs priv_key_type" "CSV: key row without priv_key_type" -- \
    "${GEN[@]}" --csv nokind.csv -o c.bin
# HMAC-protected rows: one HMAC_UP key and block per chip, a usable salt, a
# chip with the HMAC peripheral, a device certificate of the derived key.
hmac_csv() { # file rows...
    local f=$1; shift
    printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n' >"$f"
    printf '%s\n' "$@" >>"$f"
}
hmac_csv hmac_noblock.csv "ESP_SECURE_CERT_PRIV_KEY_TLV,0,$K/test_dev_ecp256.key,file,hmac_encrypted,ECDSA,256,,"
run 1 "hmac_noblock\.csv:2: hmac_encrypted needs the eFuse key block" "CSV: hmac_encrypted without efuse_id" -- \
    "${GEN[@]}" --csv hmac_noblock.csv -o c.bin
hmac_csv hmac_twoblocks.csv "ESP_SECURE_CERT_PRIV_KEY_TLV,0,$K/test_dev_ecp256.key,file,hmac_encrypted,ECDSA,256,1," \
    "ESP_SECURE_CERT_USER_DATA_1_TLV,0,x,string,hmac_encrypted,,,2,"
run 1 "hmac_twoblocks\.csv:3: efuse_id 2, but hmac_twoblocks\.csv:2 says 1" "CSV: two HMAC_UP blocks" -- \
    "${GEN[@]}" --csv hmac_twoblocks.csv -o c.bin
hmac_csv hmac_ds_block.csv "ESP_SECURE_CERT_PRIV_KEY_TLV,0,$K/test_dev_rsa2048.key,file,rsa_ds,RSA,2048,1," \
    "ESP_SECURE_CERT_USER_DATA_1_TLV,0,x,string,hmac_encrypted,,,1,"
run 1 "KEY1 is needed for HMAC_DOWN_DIGITAL_SIGNATURE, but .* puts the HMAC_UP key there" \
    "CSV: DS key and HMAC_UP key in one block" -- "${GEN[@]}" --csv hmac_ds_block.csv -o c.bin
hmac_csv hmac_salt.csv "ESP_SECURE_CERT_ECDSA_KEY_SALT_TLV,0,00112233,hex,,,,," \
    "ESP_SECURE_CERT_PRIV_KEY_TLV,0,,hex,hmac_derived_ecdsa,ECDSA,256,1,"
run 1 "hmac_salt\.csv:3: the salt of this derived key \(hmac_salt\.csv:2\) has 4 bytes; at least 16" \
    "CSV: derived key with a short salt" -- "${GEN[@]}" --csv hmac_salt.csv -o c.bin
hmac_csv hmac_rsa.csv "ESP_SECURE_CERT_PRIV_KEY_TLV,0,,hex,hmac_derived_ecdsa,RSA,2048,1,"
run 1 "hmac_derived_ecdsa keys are ECDSA P-256" "CSV: derived key declared RSA" -- "${GEN[@]}" --csv hmac_rsa.csv -o c.bin
hmac_csv hmac_type.csv "ESP_SECURE_CERT_DS_CONTEXT_TLV,0,00,hex,hmac_encrypted,,,1,"
run 1 "DS_CONTEXT entry cannot be hmac_encrypted" "CSV: encrypting an entry the device reads in plain" -- \
    "${GEN[@]}" --csv hmac_type.csv -o c.bin
hmac_csv hmac_chip.csv "ESP_SECURE_CERT_USER_DATA_1_TLV,0,x,string,hmac_encrypted,,,1,"
run 1 "needs the HMAC peripheral, which esp32 does not have" "CSV: hmac_encrypted on a chip without HMAC" -- \
    "${GEN[@]}" --csv hmac_chip.csv --target-chip esp32 -o c.bin
hmac_csv hmac_cert.csv "ESP_SECURE_CERT_DEV_CERT_TLV,0,$K/test_dev_ecp256.pem,file,,,,," \
    "ESP_SECURE_CERT_PRIV_KEY_TLV,0,$K/test_dev_ecp256.key,file,hmac_derived_ecdsa,ECDSA,256,1,"
run 1 "hmac_cert\.csv:3: the device certificate \(hmac_cert\.csv:2\) does not hold the public key of the derived key" \
    "CSV: DEV cert that is not the derived key's" -- "${GEN[@]}" --csv hmac_cert.csv -o c.bin
hmac_csv hmac_empty.csv "ESP_SECURE_CERT_USER_DATA_1_TLV,0,,string,,,,,"
run 1 "hmac_empty\.csv:2:.*: data_value is empty \(a zero-length entry is data_type hex" \
    "CSV: empty string value (hex is the zero-length form)" -- "${GEN[@]}" --csv hmac_empty.csv -o c.bin
ok "no image after CSV errors" -- test ! -e c.bin
ok "no key file after CSV errors" -- test ! -e hmac_key.bin

# Relative paths: the current directory first, then the CSV's folder.
mkdir -p sub && cp "$K/test_ca.pem" sub/ca_in_csv_dir.pem
printf 'tlv_type,tlv_subtype,data_value,data_type\nESP_SECURE_CERT_CA_CERT_TLV,0,ca_in_csv_dir.pem,file\n' >sub/rel.csv
run 0 "" "CSV path resolved from the CSV's folder" -- "${GEN[@]}" --csv sub/rel.csv -o rel.bin

# ---- DS / ECDSA peripheral input checks ----
run 1 "esp32" "RSA DS on a chip without DS" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" --configure_ds \
    --priv_key_algo RSA 2048 --efuse_key_id 1 --target_chip esp32 -o d.bin
run 1 "RSA-2048 key, this is RSA-3072|needs an RSA-2048 key" "RSA DS key size mismatch" -- "${GEN[@]}" \
    --private-key "$K/test_dev_rsa3072.key" --configure_ds --priv_key_algo RSA 2048 --efuse_key_id 1 -o d.bin
run 1 "esp32c3" "ECDSA peripheral on a chip without it" -- "${GEN[@]}" --private-key "$K/test_dev_ecp256.key" \
    --configure_ds --priv_key_algo ECDSA 256 --efuse_key_id 1 --target_chip esp32c3 -o d.bin
head -c 16 /dev/zero >short_hmac.bin
run 1 "holds 16 bytes, expected 32" "HMAC key file of the wrong size" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --priv_key_algo RSA 2048 --efuse_key_id 1 --efuse_key_file short_hmac.bin -o d.bin
run 1 "does not fit in the partition" "image larger than --partition-size" -- "${GEN[@]}" --ca-cert "$K/test_ca.pem" \
    --device-cert "$K/test_dev_rsa2048.pem" --partition-size 2048 -o d.bin
ok "no image after DS errors" -- test ! -e d.bin

# ---- generate --efuse: key blocks already taken on the chip ----
printf 'KEY1 XTS_AES_128_KEY %064x\n' 7 >efuse_xts.txt
run 1 "eFuse block KEY1 in efuse_xts\.txt is already used with purpose XTS_AES_128_KEY: it cannot take the HMAC_DOWN_DIGITAL_SIGNATURE key" \
    "--efuse: DS key block used with another purpose" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --priv_key_algo RSA 2048 --efuse_key_id 1 --efuse efuse_xts.txt -o e.bin
ok "no image or key file after the --efuse refusal" -- test ! -e e.bin -a ! -e hmac_key.bin
printf 'KEY1 HMAC_DOWN_DIGITAL_SIGNATURE %s\n' "$(od -An -tx1 -v "$K/test_hmac_key.bin" | tr -d ' \n')" >efuse_ds.txt
run 1 "KEY1 in efuse_ds\.txt already holds a different HMAC_DOWN_DIGITAL_SIGNATURE key" \
    "--efuse: a new DS key for a block that holds one" -- "${GEN[@]}" --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --priv_key_algo RSA 2048 --efuse_key_id 1 --efuse efuse_ds.txt -o e.bin
run 0 "KEY1 already holds the HMAC_DOWN_DIGITAL_SIGNATURE key .*nothing to burn" \
    "--efuse: the block already holds the given DS key" -- "$CLI" generate --private-key "$K/test_dev_rsa2048.key" \
    --configure_ds --priv_key_algo RSA 2048 --efuse_key_id 1 --efuse_key_file "$K/test_hmac_key.bin" \
    --efuse efuse_ds.txt -o e.bin
hmac_csv hmac_up.csv "ESP_SECURE_CERT_USER_DATA_1_TLV,0,x,string,hmac_encrypted,,,1,"
run 1 "eFuse block KEY1 in efuse_ds\.txt is already used with purpose HMAC_DOWN_DIGITAL_SIGNATURE: it cannot take the HMAC_UP key" \
    "--efuse: HMAC_UP key block used for DS" -- "${GEN[@]}" --csv hmac_up.csv --efuse efuse_ds.txt -o u.bin
printf 'KEY0 HMAC_UP %064x\n' 9 >efuse_up0.txt
run 1 "KEY0 in efuse_up0\.txt already holds an HMAC_UP key, and the device uses the first HMAC_UP block" \
    "--efuse: an earlier HMAC_UP block would shadow the new key" -- "${GEN[@]}" --csv hmac_up.csv \
    --efuse efuse_up0.txt -o u.bin
run 1 "--efuse 'no_such_efuse.txt': file not found" "--efuse file missing" -- "${GEN[@]}" --csv hmac_up.csv \
    --efuse no_such_efuse.txt -o u.bin
ok "no image after the --efuse refusals" -- test ! -e u.bin
run 1 "legacy formats are not supported" "legacy --secure_cert_type nvs" -- "${GEN[@]}" --ca-cert "$K/test_ca.pem" \
    --secure_cert_type nvs

# ---- the test seed is loud ----
run 0 "NOT secret" "--test-seed warns" -- "$CLI" generate --ca-cert "$K/test_ca.pem" --test-seed x -o seed.bin

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
