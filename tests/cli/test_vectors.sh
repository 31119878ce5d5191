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

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
