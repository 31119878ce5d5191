#!/usr/bin/env bash
# Regenerate every tool-made test vector with our CLI and compare byte for byte.
#
# usage: test_vectors.sh CLI VECTORS_DIR
#
# For each vNN_*/cmd.txt the recorded command is run in a scratch copy of the
# vector: `configure_esp_secure_cert.py ARGS` becomes `CLI generate ARGS`, the
# seed ESC_SEED becomes --test-seed and ESC_PRESET_DRAWS --test-preset-draws.
# Every file in outputs/ must come out identical (cmp), and no other file may
# appear in esp_secure_cert_data/. Where the reference tool refused or crashed
# (tool_exit_code != 0, no output), our CLI must fail too and write nothing.
# Signing commands without --esp-secure-cert-file are also run with
# --single-pass (one generation instead of the reference's two): the signed
# image must still match. With DS and an auto key the default run keeps the
# first pass's key as hmac_key_signed_image.bin (the only extra file allowed).
# Then `parse` must reproduce the reference tool's expected --parse_bin output,
# and parse + generate --csv must give back every unsigned image byte for byte.
#
# v23/v24 (priv_key_type hmac_encrypted / hmac_derived_ecdsa) were refused by
# the reference, so they have no outputs/: here they must work, and the result
# is checked against its definition (tests/vectors/README.md), computed with
# Python and openssl: the entries, the HMAC key = the first PRNG-v1 draw, the
# burn command, and what the public API reads with that key in eFuse (the
# PEM key, or the PBKDF2-derived P-256 key). HMAC-protected and zero-length
# entries must survive parse --efuse + generate --csv --efuse byte for byte.
# One line per check: PASS / FAIL (reason) / SKIP (reason).
set -u
CLI=$(realpath "$1")
VEC=$(realpath "$2")
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
pass=0; fail=0; skip=0

say() { echo "$1 $2${3:+: $3}"; }
result_pass() { say PASS "$1" "${2:-}"; pass=$((pass + 1)); }
result_fail() { say FAIL "$1" "$2"; fail=$((fail + 1)); }
result_skip() { say SKIP "$1" "$2"; skip=$((skip + 1)); }

exit_code_of() { # vector dir -> tool_exit_code from expected.json
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("tool_exit_code", 0))' "$1/expected.json"
}

# run_vector NAME CDTARGET SEED PRESET QUIRKS ARGS...
# Runs in $SCRATCH/$NAME; prints nothing; returns the CLI's exit code.
run_cli() {
    local work=$1 cdto=$2 seed=$3 preset=$4; shift 4
    local extra=(--test-seed "$seed")
    [ -n "$preset" ] && extra+=(--test-preset-draws "$preset")
    (cd "$work/$cdto" && "$CLI" generate "$@" "${extra[@]}" >"$work/.stdout" 2>"$work/.stderr")
}

# compare_outputs NAME WORK CDTO [ONLYFILE] -> 0 if identical; prints why not
compare_outputs() {
    local name=$1 work=$2 cdto=$3 only=${4:-}
    local expdir="$VEC/$name/outputs" gendir="$work/$cdto/esp_secure_cert_data" f base got
    for f in "$expdir"/*; do
        base=$(basename "$f")
        [ -n "$only" ] && [ "$base" != "$only" ] && continue
        if [ -f "$gendir/$base" ]; then
            got="$gendir/$base"
        else
            got="$work/outputs/$base" # files edited in place (--append-integrity)
        fi
        if [ ! -f "$got" ]; then
            echo "$base was not written"; return 1
        fi
        if ! cmp -s "$f" "$got"; then
            echo "$base differs ($(cmp "$f" "$got" 2>&1 | head -1))"; return 1
        fi
    done
    if [ -z "$only" ] && [ -d "$gendir" ]; then
        for f in "$gendir"/*; do
            [ -e "$f" ] || continue
            base=$(basename "$f")
            if [ ! -f "$expdir/$base" ] && [ "$base" != hmac_key_signed_image.bin ]; then
                echo "unexpected extra file $base"; return 1
            fi
        done
    fi
    return 0
}

# ---- HMAC-protected keys (v23, v24): our defined result ----
efuse_text() { # key-file block -> eFuse text (docs/efuse-file.md) on stdout
    printf 'KEY%s HMAC_UP %s\n' "$2" "$(od -An -tx1 -v "$1" | tr -d ' \n')"
}
# check_hmac_vector NAME WORK CDTO: why on stdout, 0 if all holds
check_hmac_vector() {
    local name=$1 work=$2 cdto=$3
    local d="$work/$cdto/esp_secure_cert_data" want got
    [ -f "$d/esp_secure_cert.bin" ] || { echo "no esp_secure_cert.bin"; return 1; }
    [ "$(stat -c %s "$d/hmac_key.bin" 2>/dev/null)" = 32 ] || { echo "hmac_key.bin missing or not 32 bytes"; return 1; }
    # The HMAC_UP key is the run's first draw: PRNG-v1 block 0 of the seed.
    want=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode() + bytes(4)).hexdigest())' "$name_seed")
    got=$(od -An -tx1 -v "$d/hmac_key.bin" | tr -d ' \n')
    [ "$want" = "$got" ] || { echo "hmac_key.bin is not the first PRNG-v1 draw"; return 1; }
    grep -q "burn_key BLOCK_KEY1 esp_secure_cert_data/hmac_key.bin HMAC_UP$" "$work/.stdout" ||
        { echo "no 'burn_key BLOCK_KEY1 esp_secure_cert_data/hmac_key.bin HMAC_UP' command printed"; return 1; }
    "$CLI" verify "$d/esp_secure_cert.bin" >/dev/null 2>&1 || { echo "verify fails"; return 1; }
    "$CLI" list --json "$d/esp_secure_cert.bin" >"$work/list.json" || { echo "list fails"; return 1; }
    efuse_text "$d/hmac_key.bin" 1 >"$work/efuse.txt"
    "$CLI" simulate --flash "$d/esp_secure_cert.bin" --efuse "$work/efuse.txt" --json >"$work/sim.json" 2>/dev/null ||
        { echo "simulate fails"; return 1; }
    # What the device must read: the key, computed here without our code.
    if [ "$name" = v23_csv_hmac_encrypted_key ]; then
        (openssl pkey -in "$work/$cdto/inputs/test_dev_rsa2048.key" -traditional && printf '\0') >"$work/want_key"
    else
        python3 - "$d/hmac_key.bin" "$work/want_key.sec1" <<'PY' || return 1
import hashlib, sys
key = open(sys.argv[1], "rb").read()
salt = bytes(range(32))   # the CSV's salt row: 000102...1F
d = hashlib.pbkdf2_hmac("sha256", key, salt, 2048, 32)
# RFC 5915 ECPrivateKey without the public key; openssl adds it.
open(sys.argv[2], "wb").write(bytes.fromhex("30310201010420") + d + bytes.fromhex("a00a06082a8648ce3d030107"))
PY
        openssl ec -inform DER -in "$work/want_key.sec1" -outform DER -out "$work/want_key" 2>/dev/null ||
            { echo "openssl could not build the derived key"; return 1; }
        openssl ec -inform DER -in "$work/want_key" -pubout 2>/dev/null | cmp -s - "$d/derived_pub_key.pem" ||
            { echo "derived_pub_key.pem is not the derived key's public key"; return 1; }
    fi
    python3 - "$name" "$work/list.json" "$work/sim.json" "$work/want_key" "$VEC/$name/inputs/test_ca.pem" <<'PY'
import hashlib, json, subprocess, sys
name, lst, sim, want_key, ca = sys.argv[1:]
tlvs = [(t["type"], t["subtype"], t["flags"], t["length"]) for t in json.load(open(lst))]
got = json.load(open(sim))
key = open(want_key, "rb").read()
ca_pem = subprocess.run(["openssl", "x509", "-in", ca], capture_output=True, check=True).stdout + b"\0"
if name.startswith("v23"):
    want_tlvs = [(0, 0, 0, len(ca_pem)), (2, 0, 0x80, len(key) + 16), (9, 0, 0, 32)]
    want_type = "ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY"
else:
    want_tlvs = [(0, 0, 0, len(ca_pem)), (5, 0, 0, 32), (2, 0, 0x40, 0), (9, 0, 0, 32)]
    want_type = "ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY"
errs = []
if tlvs != want_tlvs:
    errs.append("entries %s, expected %s" % (tlvs, want_tlvs))
if got["priv_key_type"] != want_type:
    errs.append("priv_key_type %s" % got["priv_key_type"])
if got["priv_key_sha256"] != hashlib.sha256(key).hexdigest():
    errs.append("priv_key_sha256 %s is not the SHA-256 of the expected key" % got["priv_key_sha256"])
if got["ca_cert_sha256"] != hashlib.sha256(ca_pem).hexdigest() or got["integrity"] is not True:
    errs.append("CA cert or integrity wrong")
if errs:
    print("; ".join(errs))
    sys.exit(1)
PY
}

for dir in "$VEC"/v[0-9][0-9]_*/; do
    name=$(basename "$dir")
    if [ ! -f "$dir/cmd.txt" ]; then
        result_skip "$name" "no tool command (made from the C algorithm; read-side vector)"
        continue
    fi
    line=$(head -n 1 "$dir/cmd.txt")
    if [[ "$line" != *configure_esp_secure_cert.py* ]]; then
        result_skip "$name" "made through the reference's Python API (legacy format), not its CLI"
        continue
    fi
    read -ra words <<<"$line"
    cdto=""; seed=""; preset=""; args=(); seen_tool=0
    for ((i = 0; i < ${#words[@]}; i++)); do
        w=${words[$i]}
        if [ $seen_tool -eq 1 ]; then args+=("$w"); continue; fi
        case "$w" in
            cd) i=$((i + 1)); cdto=${words[$i]} ;;
            "&&") ;;
            ESC_SEED=*) seed=${w#ESC_SEED=} ;;
            ESC_PRESET_DRAWS=*) preset=${w#ESC_PRESET_DRAWS=} ;;
            *=*) ;;
            configure_esp_secure_cert.py) seen_tool=1 ;;
        esac
    done
    cdto=${cdto#"$name"}; cdto=${cdto#/}; [ -z "$cdto" ] && cdto=.
    rc_ref=$(exit_code_of "$dir")
    args_str=" ${args[*]} "

    if [[ "$args_str" == *" --secure-sign "* ]] && [[ "$args_str" == *"ecdsa192"* ]] && [ "$rc_ref" != 0 ]; then
        result_skip "$name" "the reference crashed while signing with P-192 (rc $rc_ref); nothing to compare"
        continue
    fi

    work="$SCRATCH/$name"
    rm -rf "$work"; cp -r "$dir" "$work"; chmod -R u+w "$work"
    rm -rf "$work/outputs" "$work/$cdto/esp_secure_cert_data"; mkdir -p "$work/outputs"
    # --append-integrity edits a copy of an earlier output in place.
    for ((i = 0; i < ${#args[@]}; i++)); do
        if [ "${args[$i]}" = "--append-integrity" ]; then
            target="$work/$cdto/${args[$((i + 1))]}"
            [ -f "$target" ] || cp "$work"/inputs/*.bin "$target"
        fi
    done

    if [ "$name" = v23_csv_hmac_encrypted_key ] || [ "$name" = v24_csv_hmac_ecdsa_derived ]; then
        name_seed=$seed
        if ! run_cli "$work" "$cdto" "$seed" "$preset" "${args[@]}"; then
            result_fail "$name" "CLI failed: $(grep -m1 'error:' "$work/.stderr" | head -c 300)"
        elif ! why=$(check_hmac_vector "$name" "$work" "$cdto"); then
            result_fail "$name" "$why"
        else
            result_pass "$name" "the reference refused; ours works: entries, key file, burn command and the key the API reads all as defined"
        fi
        continue
    fi
    if [ "$rc_ref" != 0 ]; then
        if run_cli "$work" "$cdto" "$seed" "$preset" "${args[@]}"; then
            result_fail "$name" "the reference refused (rc $rc_ref) but our CLI succeeded"
        elif [ -n "$(ls -A "$work/$cdto/esp_secure_cert_data" 2>/dev/null | grep -v '\.csv$')" ]; then
            result_fail "$name" "refused but left files in esp_secure_cert_data"
        else
            result_pass "$name" "refused like the reference: $(grep -m1 'error:' "$work/.stderr" | head -c 200)"
        fi
        continue
    fi

    twopass=0
    if [[ "$args_str" == *" --secure-sign "* ]] && [[ "$args_str" != *" --esp-secure-cert-file "* ]]; then
        twopass=1
    fi
    if ! run_cli "$work" "$cdto" "$seed" "$preset" "${args[@]}"; then
        result_fail "$name" "CLI failed: $(grep -m1 'error:' "$work/.stderr" | head -c 300)"
        continue
    fi
    if ! why=$(compare_outputs "$name" "$work" "$cdto"); then
        result_fail "$name" "$why"
        continue
    fi
    note=""
    if [ $twopass -eq 1 ]; then
        rm -rf "$work/$cdto/esp_secure_cert_data"
        if ! run_cli "$work" "$cdto" "$seed" "$preset" "${args[@]}" --single-pass; then
            result_fail "$name" "CLI failed with --single-pass: $(grep -m1 'error:' "$work/.stderr" | head -c 300)"
            continue
        fi
        if ! why=$(compare_outputs "$name" "$work" "$cdto" esp_secure_cert_signed.bin); then
            result_fail "$name" "with --single-pass: $why"
            continue
        fi
        note="signed image also identical with --single-pass"
    fi
    result_pass "$name" "$note"
done

# parse: the reference tool's own expected --parse_bin output.
ref="$VEC/reference/tools/tests/input_data"
work="$SCRATCH/parse_reference"
mkdir -p "$work"; cp "$ref/esp_secure_cert.bin" "$work/"
if ! (cd "$work" && "$CLI" parse -q esp_secure_cert.bin --output-dir esp_secure_cert_parsed_data >/dev/null 2>"$work/.stderr"); then
    result_fail parse_reference "parse failed: $(grep -m1 'error:' "$work/.stderr")"
else
    why=""
    exp="$ref/esp_secure_cert_parsed_data_expected"
    while IFS= read -r f; do
        cmp -s "$exp/$f" "$work/esp_secure_cert_parsed_data/$f" || { why="$f differs or is missing"; break; }
    done < <(cd "$exp" && find . -type f | sort)
    if [ -n "$why" ]; then
        result_fail parse_reference "$why"
    elif ! (cd "$work" && "$CLI" generate -q --csv esp_secure_cert_parsed_data/esp_secure_cert_parsed.csv \
                -o rebuilt.bin 2>"$work/.stderr") || ! cmp -s "$work/rebuilt.bin" "$work/esp_secure_cert.bin"; then
        result_fail parse_reference "generate --csv of the parsed CSV does not rebuild the image"
    else
        result_pass parse_reference "CSV, contents/ and tlv_entries_raw.txt identical; CSV rebuilds the image"
    fi
fi

# parse -> generate --csv round trip of every unsigned tool-made image.
for img in "$VEC"/v[0-9][0-9]_*/outputs/esp_secure_cert.bin; do
    name=$(basename "$(dirname "$(dirname "$img")")")
    "$CLI" verify "$img" >/dev/null 2>&1 || continue        # quirky/unfinished images
    if "$CLI" list --json "$img" | grep -q '"type": 8,'; then continue; fi   # signed
    chip=$(grep -o -- '--target_chip [a-z0-9]*' "$VEC/$name/cmd.txt" 2>/dev/null | awk '{print $2}')
    work="$SCRATCH/rt_$name"; rm -rf "$work"; mkdir -p "$work"
    if ! "$CLI" parse -q "$img" --output-dir "$work/p" >/dev/null 2>"$work/.stderr"; then
        result_fail "roundtrip_$name" "parse failed: $(grep -m1 'error:' "$work/.stderr")"
    elif ! "$CLI" generate -q --csv "$work/p/esp_secure_cert_parsed.csv" --target-chip "${chip:-esp32c3}" \
            -o "$work/re.bin" 2>"$work/.stderr"; then
        result_fail "roundtrip_$name" "generate --csv failed: $(grep -m1 'error:' "$work/.stderr")"
    elif ! cmp -s "$img" "$work/re.bin"; then
        result_fail "roundtrip_$name" "parse + generate --csv does not give the same bytes"
    else
        result_pass "roundtrip_$name" "parse + generate --csv gives the same bytes"
    fi
done

# parse --efuse -> generate --csv --efuse: HMAC-protected entries come back
# identical (the GCM IV depends on the key only), followed by INTEGRITY.
for name in v28_hmac_encrypted_priv_key v29_hmac_ecdsa_derived v30_hmac_ecdsa_derived_subtype2; do
    img="$VEC/$name/outputs/esp_secure_cert.bin"
    work="$SCRATCH/rt_$name"; rm -rf "$work"; mkdir -p "$work/out"
    efuse_text "$VEC/$name/inputs/hmac_key.bin" 1 >"$work/efuse.txt"
    n=$(stat -c %s "$img")
    if ! "$CLI" parse -q "$img" --output-dir "$work/p" --efuse "$work/efuse.txt" >/dev/null 2>"$work/.stderr"; then
        result_fail "roundtrip_$name" "parse --efuse failed: $(grep -m1 'error:' "$work/.stderr")"
    elif grep -q '^#' "$work/p/esp_secure_cert_parsed.csv"; then
        result_fail "roundtrip_$name" "parse --efuse left comment rows: $(grep -m1 '^#' "$work/p/esp_secure_cert_parsed.csv")"
    elif ! "$CLI" generate -q --csv "$work/p/esp_secure_cert_parsed.csv" --efuse "$work/efuse.txt" \
            -o "$work/out/re.bin" 2>"$work/.stderr"; then
        result_fail "roundtrip_$name" "generate --csv --efuse failed: $(grep -m1 'error:' "$work/.stderr")"
    elif ! cmp -s -n "$n" "$img" "$work/out/re.bin" || [ -e "$work/out/hmac_key.bin" ] ||
            ! "$CLI" verify "$work/out/re.bin" >/dev/null 2>&1; then
        result_fail "roundtrip_$name" "rebuilt image differs (or a new key was made, or it does not verify)"
    else
        result_pass "roundtrip_$name" "parse --efuse + generate --csv --efuse gives the same entries (+ INTEGRITY)"
    fi
done

# Zero-length entries (plain, encrypted, a derived key's marker) round trip.
work="$SCRATCH/rt_zero"; mkdir -p "$work/a" "$work/b"
cat >"$work/z.csv" <<'CSV'
tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key
ESP_SECURE_CERT_USER_DATA_2_TLV,3,,hex,,,,,
ESP_SECURE_CERT_USER_DATA_1_TLV,0,wifi secret,string,hmac_encrypted,,,2,
77,1,,hex,,,,,
ESP_SECURE_CERT_USER_DATA_3_TLV,0,,hex,hmac_encrypted,,,2,
ESP_SECURE_CERT_PRIV_KEY_TLV,1,,hex,hmac_derived_ecdsa,,,2,
CSV
if ! "$CLI" generate -q --csv "$work/z.csv" -o "$work/a/z.bin" --test-seed zero 2>"$work/.stderr"; then
    result_fail roundtrip_zero_length "generate failed: $(grep -m1 'error:' "$work/.stderr")"
else
    efuse_text "$work/a/hmac_key.bin" 2 >"$work/efuse.txt"
    lens=$("$CLI" list --json "$work/a/z.bin" | python3 -c 'import json,sys; print([(t["type"], t["flags"], t["length"]) for t in json.load(sys.stdin)])')
    if [ "$lens" != "[(52, 0, 0), (51, 128, 27), (77, 0, 0), (53, 128, 16), (5, 0, 32), (2, 64, 0), (9, 0, 32)]" ]; then
        result_fail roundtrip_zero_length "unexpected entries $lens"
    elif ! "$CLI" parse -q "$work/a/z.bin" --output-dir "$work/p" --efuse "$work/efuse.txt" >/dev/null 2>&1 ||
            ! "$CLI" generate -q --csv "$work/p/esp_secure_cert_parsed.csv" --efuse "$work/efuse.txt" \
                -o "$work/b/z.bin" 2>"$work/.stderr" || ! cmp -s "$work/a/z.bin" "$work/b/z.bin"; then
        result_fail roundtrip_zero_length "parse + generate does not give the same bytes"
    else
        result_pass roundtrip_zero_length "empty, encrypted-empty and derived-marker entries round trip"
    fi
fi

# A signed image: parse names the signature blocks it leaves out.
work="$SCRATCH/parse_signed"; mkdir -p "$work"
img="$VEC/v13_signed_ecdsa256/outputs/esp_secure_cert_signed.bin"
if ! "$CLI" parse -q "$img" --output-dir "$work/p" >/dev/null 2>"$work/.stderr"; then
    result_fail parse_signed "parse failed"
elif ! grep -q "is signed (1 SIGNATURE_BLOCK entry): signatures are not in the CSV" "$work/.stderr" ||
        ! grep -q '^# SIGNATURE_BLOCK/0 at 0x0ff0: signature block' "$work/p/esp_secure_cert_parsed.csv"; then
    result_fail parse_signed "no clear note about the signature block: $(head -c 300 "$work/.stderr")"
elif ! "$CLI" generate -q --csv "$work/p/esp_secure_cert_parsed.csv" -o "$work/re.bin" 2>/dev/null ||
        ! cmp -s -n 4080 "$img" "$work/re.bin"; then
    result_fail parse_signed "the CSV does not rebuild the signed range"
else
    result_pass parse_signed "signature block left out with a clear note; the CSV rebuilds the signed entries"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
