#!/usr/bin/env bash
# DS peripheral through the CLI (issue #6): the factory flow end to end.
#
# usage: test_ds.sh CLI VECTORS_DIR
#
#  - generate --configure-ds for every RSA-DS chip and each of its key sizes,
#    burn the written hmac_key.bin into an eFuse text file (docs/efuse-file.md)
#    and `simulate --efuse ... --target-chip ... --json` must report
#    "ds_self_test": "ok";
#  - key encodings: PKCS#1 PEM, PKCS#8 DER, encrypted PKCS#8 with --password,
#    and --efuse-key-file;
#  - the self-test fails (and says why) with the wrong eFuse key, the wrong
#    purpose, or the wrong chip;
#  - bad input is refused with a clear error and no output file: EC key for
#    RSA DS, key size the chip lacks, eFuse id out of range, wrong password,
#    ECDSA on a chip without the peripheral;
#  - ECDSA-peripheral targets write SEC_CFG + PRIV_KEY (flags 0x08) and
#    ecdsa_key.bin holding the private scalar (big-endian, as the original).
# Keys are made here with the openssl command; expected values come from it.
set -u
CLI=$(realpath "$1")
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 1
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }

for bits in 1024 2048 3072 4096; do
    openssl genrsa -out rsa$bits.pem $bits 2>/dev/null
    openssl req -new -x509 -key rsa$bits.pem -out cert$bits.pem -subj "/O=ESC TEST-ONLY/CN=ds$bits" -days 2 \
        2>/dev/null
done
openssl ecparam -name prime256v1 -genkey -noout -out ec256.pem 2>/dev/null
openssl req -new -x509 -key ec256.pem -out ec256.crt -subj "/CN=ec" -days 2 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out ec384.pem 2>/dev/null

# efuse_file KEYFILE ID [PURPOSE] > eFuse text file with that key burned
efuse_file() {
    echo "KEY$2 ${3:-HMAC_DOWN_DIGITAL_SIGNATURE} $(xxd -p -c 64 "$1")"
}

# gen NAME ARGS... : generate into $SCRATCH/NAME/img.bin; stderr in NAME/err
gen() {
    local name=$1; shift
    rm -rf "$name"; mkdir -p "$name"
    (cd "$name" && "$CLI" generate "$@" -o img.bin >out 2>err)
}

# selftest NAME CHIP EFUSEFILE : prints the ds_self_test value of simulate
selftest() {
    "$CLI" simulate --flash "$1/img.bin" --efuse "$3" --target-chip "$2" --json 2>"$1/sim_err" >"$1/sim.json"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("ds_self_test"))' "$1/sim.json" 2>/dev/null
}

# ---- round trip: every chip, every supported size ----
declare -A sizes=(
    [esp32s2]="1024 2048 3072 4096" [esp32s3]="1024 2048 3072 4096" [esp32c3]="1024 2048 3072"
    [esp32c6]="1024 2048 3072" [esp32h2]="1024 2048 3072" [esp32p4]="1024 2048 3072 4096"
    [esp32c5]="1024 2048 3072 4096" [esp32s31]="1024 2048 3072 4096"
)
id=0
for chip in esp32s2 esp32s3 esp32c3 esp32c6 esp32h2 esp32p4 esp32c5 esp32s31; do
    for bits in ${sizes[$chip]}; do
        name=rt_${chip}_$bits
        id=$(((id + 1) % 6))
        if ! gen $name --private-key ../rsa$bits.pem --device-cert ../cert$bits.pem --configure-ds \
            --priv-key-algo RSA $bits --target-chip $chip --efuse-key-id $id; then
            bad "$name generate" "$(head -c 300 $name/err)"
            continue
        fi
        if [ ! -s $name/hmac_key.bin ] || [ "$(stat -c %s $name/hmac_key.bin)" != 32 ]; then
            bad "$name hmac_key.bin" "missing or not 32 bytes"
            continue
        fi
        if ! grep -q "burn_key BLOCK_KEY$id .*hmac_key.bin HMAC_DOWN_DIGITAL_SIGNATURE" $name/out $name/err; then
            bad "$name burn_key command" "not printed for BLOCK_KEY$id"
        fi
        efuse_file $name/hmac_key.bin $id >$name/efuse.txt
        res=$(selftest $name $chip $name/efuse.txt)
        if [ "$res" = ok ]; then ok "$name self-test"; else bad "$name self-test" "got '$res' $(cat $name/sim_err)"; fi
    done
done

# ---- key encodings and a given HMAC key file ----
openssl pkcs8 -topk8 -nocrypt -in rsa2048.pem -outform DER -out rsa2048.p8.der 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:s3cret -in rsa2048.pem -out rsa2048.enc.pem 2>/dev/null
openssl rsa -in rsa2048.pem -traditional -out rsa2048.pkcs1.pem 2>/dev/null
printf 'ESC-TEST-ONLY-HMAC-KEY-DONOTUSE!' >given_hmac.bin
for variant in "p8der:rsa2048.p8.der" "pkcs1:rsa2048.pkcs1.pem" "enc:rsa2048.enc.pem --password s3cret"; do
    tag=${variant%%:*}; keyargs=${variant#*:}
    name=enc_$tag
    # shellcheck disable=SC2086
    if ! gen $name --private-key ../$keyargs --device-cert ../cert2048.pem --configure-ds --priv-key-algo RSA 2048 \
        --target-chip esp32c3 --efuse-key-id 4 --efuse-key-file ../given_hmac.bin; then
        bad "$name generate" "$(head -c 300 $name/err)"
        continue
    fi
    if [ -e $name/hmac_key.bin ]; then
        bad "$name" "hmac_key.bin written although --efuse-key-file was given"
    fi
    efuse_file given_hmac.bin 4 >$name/efuse.txt
    res=$(selftest $name esp32c3 $name/efuse.txt)
    if [ "$res" = ok ]; then ok "$name self-test"; else bad "$name self-test" "got '$res' $(cat $name/sim_err)"; fi
done

# ---- the self-test catches what a factory must catch ----
base=rt_esp32c3_2048
id=$(grep -o 'BLOCK_KEY[0-5]' $base/out $base/err | head -1 | sed 's/.*BLOCK_KEY//')
efuse_file given_hmac.bin "$id" >wrong_key.txt
res=$(selftest $base esp32c3 wrong_key.txt)
if [ "$res" = fail ] && grep -q "invalid digest" $base/sim.json; then ok "wrong eFuse key -> fail (invalid digest)"
else bad "wrong eFuse key" "got '$res': $(cat $base/sim.json)"; fi
efuse_file $base/hmac_key.bin "$id" HMAC_UP >wrong_purpose.txt
res=$(selftest $base esp32c3 wrong_purpose.txt)
if [ "$res" = fail ] && grep -q "HMAC_UP" $base/sim.json; then ok "HMAC_UP purpose -> fail"
else bad "wrong purpose" "got '$res': $(cat $base/sim.json)"; fi
res=$(selftest $base esp32s3 $base/efuse.txt)
if [ "$res" = fail ]; then ok "esp32c3 DS data on esp32s3 -> fail"; else bad "wrong chip" "got '$res'"; fi
gen dev_mismatch --private-key ../rsa2048.pem --device-cert ../cert3072.pem --configure-ds --priv-key-algo RSA 2048 \
    --target-chip esp32c3 --efuse-key-id 1 >/dev/null 2>&1
if [ -f dev_mismatch/img.bin ]; then
    efuse_file dev_mismatch/hmac_key.bin 1 >dev_mismatch/efuse.txt
    res=$(selftest dev_mismatch esp32c3 dev_mismatch/efuse.txt)
    if [ "$res" = fail ]; then ok "certificate of another key -> fail"; else bad "cert mismatch" "got '$res'"; fi
else
    ok "certificate of another key refused at generation"
fi

# ---- bad input: clear error, non-zero exit, nothing written ----
# refuse NAME NEEDLE ARGS...
refuse() {
    local name=$1 needle=$2; shift 2
    gen "$name" "$@"
    local rc=$?
    if [ $rc -eq 0 ]; then bad "$name" "accepted"; return; fi
    if [ -n "$(ls -A "$name" | grep -v -x -e out -e err)" ]; then bad "$name" "left files: $(ls "$name")"; return; fi
    if ! grep -qi -- "$needle" "$name/err"; then bad "$name" "message lacks '$needle': $(head -c 300 "$name/err")"; return; fi
    ok "$name refused ($(grep -m1 -i error "$name/err" | head -c 150))"
}
refuse bad_ec_for_rsa "RSA" --private-key ../ec256.pem --device-cert ../ec256.crt --configure-ds \
    --priv-key-algo RSA 2048 --target-chip esp32c3 --efuse-key-id 1
refuse bad_size_c3 "1024, 2048, 3072" --private-key ../rsa4096.pem --device-cert ../cert4096.pem --configure-ds \
    --priv-key-algo RSA 4096 --target-chip esp32c3 --efuse-key-id 1
refuse bad_size_algo_mismatch "2048" --private-key ../rsa2048.pem --device-cert ../cert2048.pem --configure-ds \
    --priv-key-algo RSA 3072 --target-chip esp32s3 --efuse-key-id 1
refuse bad_efuse_id "key" --private-key ../rsa2048.pem --device-cert ../cert2048.pem --configure-ds \
    --priv-key-algo RSA 2048 --target-chip esp32c3 --efuse-key-id 6
refuse bad_efuse_id_neg "key" --private-key ../rsa2048.pem --device-cert ../cert2048.pem --configure-ds \
    --priv-key-algo RSA 2048 --target-chip esp32c3 --efuse-key-id -1
refuse bad_password "password" --private-key ../rsa2048.enc.pem --password wrong --device-cert ../cert2048.pem \
    --configure-ds --priv-key-algo RSA 2048 --target-chip esp32c3 --efuse-key-id 1
refuse no_password "password" --private-key ../rsa2048.enc.pem --device-cert ../cert2048.pem \
    --configure-ds --priv-key-algo RSA 2048 --target-chip esp32c3 --efuse-key-id 1
refuse bad_ecdsa_chip "esp32h2" --private-key ../ec256.pem --device-cert ../ec256.crt --configure-ds \
    --priv-key-algo ECDSA 256 --target-chip esp32c3 --efuse-key-id 1
refuse bad_ecdsa_curve "P-256" --private-key ../ec384.pem --device-cert ../ec256.crt --configure-ds \
    --priv-key-algo ECDSA 384 --target-chip esp32h2 --efuse-key-id 1
refuse bad_rsa_chip "esp32s3" --private-key ../rsa2048.pem --device-cert ../cert2048.pem --configure-ds \
    --priv-key-algo RSA 2048 --target-chip esp32c61 --efuse-key-id 1

# ---- ECDSA peripheral target ----
name=ecdsa_h2
if gen $name --private-key ../ec256.pem --device-cert ../ec256.crt --configure-ds --priv-key-algo ECDSA 256 \
    --target-chip esp32h2 --efuse-key-id 2; then
    want=$(openssl ec -in ec256.pem -text -noout 2>/dev/null | sed -n '/^priv:/,/^pub:/p' |
        grep -v -e '^priv:' -e '^pub:' | tr -d ' :\n')
    want=$(printf '%064s' "$want" | tr ' ' 0)
    got=$(xxd -p -c 64 $name/ecdsa_key.bin 2>/dev/null)
    if [ "$got" = "$want" ]; then ok "$name ecdsa_key.bin = private scalar"
    else bad "$name ecdsa_key.bin" "got '$got' want '$want'"; fi
    "$CLI" simulate --flash $name/img.bin --json >$name/sim.json 2>/dev/null
    read -r ktype kid < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print(d.get("priv_key_type"), d.get("priv_key_efuse_id"))' $name/sim.json)
    if [ "$ktype" = ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY ] && [ "$kid" = 6 ]; then
        ok "$name key type ECDSA peripheral, eFuse block 6 (KEY2)"
    else bad "$name simulate" "type '$ktype' block '$kid'"; fi
    # espefuse takes the PEM for ECDSA_KEY (it stores the scalar little-endian).
    if grep -q "burn_key BLOCK_KEY2 .* ECDSA_KEY" $name/out $name/err; then ok "$name burn_key command"
    else bad "$name burn_key command" "$(cat $name/out)"; fi
else
    bad "$name generate" "$(head -c 300 $name/err)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
