#!/usr/bin/env bash
# list / verify / simulate --json checked against the vectors' expected.json
# (written by an independent TLV dumper) and against values computed here
# with Python's standard library.
#
# usage: test_cli_json.sh CLI VECTORS_DIR
set -u
CLI=$(realpath "$1")
VEC=$(realpath "$2")
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
pass=0; fail=0

check() { # name, command... : PASS if the command succeeds
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then
        echo "PASS $name"; pass=$((pass + 1))
    else
        echo "FAIL $name: $(echo "$out" | tail -n 3 | tr '\n' ' ')"; fail=$((fail + 1))
    fi
}

# ---- list --json == expected.json tlvs ----
list_matches() { # image expected.json output-name
    "$CLI" list --json "$1" >"$SCRATCH/list.json" || return 1
    python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))["outputs"][sys.argv[3]]["tlvs"]
keys = ["offset", "type", "type_name", "subtype", "flags", "length", "crc_ok"]
want = [{k: t[k] for k in keys} for t in exp]
if got != want:
    sys.exit("list --json differs from expected.json:\n%s\n%s" % (got, want))
' "$SCRATCH/list.json" "$2" "$3"
}

# ---- verify: the verdict computed here from the bytes and expected.json ----
verify_matches() { # image expected.json output-name
    "$CLI" verify --json "$1" >"$SCRATCH/verify.json" 2>/dev/null
    local rc=$?
    python3 -c '
import hashlib, json, sys
img = open(sys.argv[1], "rb").read()
exp = json.load(open(sys.argv[2]))["outputs"][sys.argv[3]]
got = json.load(open(sys.argv[4]))
rc = int(sys.argv[5])
tlvs = exp["tlvs"]
failed = set()
if not tlvs:
    failed.add("entries")
if not all(t["crc_ok"] for t in tlvs):
    failed.add("crc")
pairs = [(t["type"], t["subtype"]) for t in tlvs]
if len(set(pairs)) != len(pairs):
    failed.add("duplicates")
ds = [t["type"] in (3, 4, 6) for t in tlvs]
if any(ds[i] and not all(ds[:i]) for i in range(len(ds))):
    failed.add("order")
integ = [i for i, t in enumerate(tlvs) if t["type"] == 9]
if not integ:
    failed.add("integrity")
else:
    if tlvs[-1]["type"] != 9 or any(t["type"] not in (8, 9) for t in tlvs[integ[0]:]):
        failed.add("order")
    for i in integ:
        t = tlvs[i]
        data = img[t["offset"] + 12 : t["offset"] + 12 + 32]
        if t["length"] != 32 or hashlib.sha256(img[: t["offset"]]).digest() != data:
            failed.add("integrity")
end = tlvs[-1]["offset"] + tlvs[-1]["total_length"] if tlvs else 0
rest = img[end:]
if rest[:4] == b"\xff\xff\x00\x00":
    rest = rest[4:]
if rest.strip(b"\xff"):
    failed.add("trailing")
got_failed = {c["name"] for c in got["checks"] if not c["ok"]}
if got_failed != failed or got["ok"] != (not failed) or (rc == 0) != (not failed):
    sys.exit("verify: expected failures %s, got %s (ok=%s, rc=%d)" % (sorted(failed), sorted(got_failed), got["ok"], rc))
' "$1" "$2" "$3" "$SCRATCH/verify.json" "$rc"
}

for exp in "$VEC"/v[0-9][0-9]_*/expected.json; do
    dir=$(dirname "$exp"); name=$(basename "$dir")
    for out in $(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(k for k, v in d.get("outputs", {}).items() if v.get("tlvs")))' "$exp"); do
        img="$dir/outputs/$out"
        [ -f "$img" ] || continue
        check "list $name/$out" list_matches "$img" "$exp" "$out"
        check "verify $name/$out" verify_matches "$img" "$exp" "$out"
    done
done

# ---- verify on damaged copies of v01 ----
V01="$VEC/v01_pem_rsa2048_plain/outputs/esp_secure_cert.bin"
damage() { # python expression over bytearray b -> file
    python3 -c '
import sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
def fix_crc(off):
    n = int.from_bytes(b[off + 10 : off + 12], "little")
    end = off + 12 + n + (-n % 16)
    b[end : end + 4] = zlib.crc32(bytes(b[off:end]), 0xFFFFFFFF).to_bytes(4, "little")
exec(sys.argv[3])
open(sys.argv[2], "wb").write(b)' "$V01" "$SCRATCH/bad.bin" "$1"
}
verify_fails_with() { # check-names (comma separated, exactly these fail)
    "$CLI" verify --json "$SCRATCH/bad.bin" >"$SCRATCH/v.json" 2>"$SCRATCH/v.err" && return 1
    python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
bad = sorted(c["name"] for c in got["checks"] if not c["ok"])
if bad != sorted(sys.argv[2].split(",")) or got["ok"]:
    sys.exit("expected %s to fail, got %s" % (sys.argv[2], bad))' "$SCRATCH/v.json" "$1" || return 1
    grep -q "verify .*: ${1%%,*}: " "$SCRATCH/v.err"   # the failure is named on stderr too
}
verify_passes() { "$CLI" verify "$SCRATCH/bad.bin" >/dev/null 2>&1; }

damage 'b[100] ^= 1'
check "verify names a CRC error" verify_fails_with crc,integrity
damage 'b[100] ^= 1; fix_crc(0)'
check "verify names an integrity mismatch" verify_fails_with integrity
damage 'b += b"garbage!"'
check "verify names trailing bytes" verify_fails_with trailing
damage 'b += b"\xff\xff\x00\x00" + b"\xff" * 4060'
check "verify accepts end marker + erased flash" verify_passes
damage 'b[:] = b[:4080]'
check "verify names a missing INTEGRITY entry" verify_fails_with integrity
damage 'b[:] = b[:4000]'
check "verify names a truncated entry" verify_fails_with entries,integrity

# ---- simulate --json: what the public API returns ----
efuse_file() { # key-file block purpose -> eFuse text file
    python3 -c '
import sys
k = open(sys.argv[1], "rb").read()
open(sys.argv[4], "w").write("KEY%s %s %s\n" % (sys.argv[2], sys.argv[3], k.hex()))' "$1" "$2" "$3" "$4"
}
simulate_matches() { # image expected.json output-name [simulate args...]
    local img=$1 exp=$2 out=$3; shift 3
    "$CLI" simulate --flash "$img" --json "$@" >"$SCRATCH/sim.json" 2>/dev/null || return 1
    python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
img = open(sys.argv[2], "rb").read()
tlvs = json.load(open(sys.argv[3]))["outputs"][sys.argv[4]]["tlvs"]
def entry(t, s=0):
    return next((x for x in tlvs if x["type"] == t and x["subtype"] == s), None)
errs = []
for key, t in (("device_cert_sha256", 1), ("ca_cert_sha256", 0)):
    e = entry(t)
    want = e["data_sha256"] if e else None
    if got[key] != want:
        errs.append("%s: %s != %s" % (key, got[key], want))
key = entry(2)
if key is not None and key["flags"] in (0, 8):
    if got["priv_key_sha256"] != key["data_sha256"]:
        errs.append("priv_key_sha256 differs")
    name = "ESP_SECURE_CERT_ECDSA_PERIPHERAL_KEY" if key["flags"] == 8 else "ESP_SECURE_CERT_DEFAULT_FORMAT_KEY"
    if got["priv_key_type"] != name:
        errs.append("priv_key_type %s != %s" % (got["priv_key_type"], name))
cfg = entry(6)
if cfg is not None and key is not None and key["flags"] == 8:
    if got["priv_key_efuse_id"] != img[cfg["offset"] + 12]:
        errs.append("priv_key_efuse_id %s != %s" % (got["priv_key_efuse_id"], img[cfg["offset"] + 12]))
if got["integrity"] is not True:
    errs.append("integrity %s (%s)" % (got["integrity"], got.get("integrity_error")))
ctx = entry(4)
if ctx is not None:
    d = img[ctx["offset"] + 12 : ctx["offset"] + 20]
    want = {"efuse_key_id": d[4], "rsa_length_bits": int.from_bytes(d[6:8], "little")}
    if got["ds_ctx"] != want:
        errs.append("ds_ctx %s != %s" % (got["ds_ctx"], want))
elif got["ds_ctx"] is not None:
    errs.append("ds_ctx should be null")
if errs:
    sys.exit("; ".join(errs))
' "$SCRATCH/sim.json" "$img" "$exp" "$out"
}
json_field_is() { # json-file python-expression
    python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
if not eval(sys.argv[2]):
    sys.exit("not true: %s in %s" % (sys.argv[2], got))' "$1" "$2"
}

for name in v01_pem_rsa2048_plain v02_pem_ecp256_pkcs1_inputs v03_der_inputs v04_device_only_pkcs1 \
            v05_ds_rsa2048_esp32c3_autokey v09_ecdsa_peripheral_esp32h2 v10_csv_user_data \
            v20_reference_example_csv; do
    check "simulate $name" simulate_matches "$VEC/$name/outputs/esp_secure_cert.bin" "$VEC/$name/expected.json" \
        esp_secure_cert.bin
done

# DS: the HMAC key the generator kept, burned as the DS key; the self-test
# signs through the emulated peripheral and checks with the certificate.
for spec in "v05_ds_rsa2048_esp32c3_autokey esp32c3 1 outputs/hmac_key.bin" \
            "v06_ds_rsa3072_esp32s3_autokey esp32s3 1 outputs/hmac_key.bin" \
            "v08_ds_rsa3072_esp32c3_keyfile esp32c3 3 inputs/test_hmac_key.bin"; do
    read -r name chip block key <<<"$spec"
    efuse_file "$VEC/$name/$key" "$block" HMAC_DOWN_DIGITAL_SIGNATURE "$SCRATCH/ds_efuse.txt"
    check "simulate DS self-test $name" bash -c '
        "$1" simulate --flash "$2" --efuse "$3" --target-chip "$4" --json >"$5" 2>/dev/null &&
        python3 -c "import json,sys; g=json.load(open(sys.argv[1])); sys.exit(0 if g[\"ds_self_test\"]==\"ok\" else str(g))" "$5"' \
        _ "$CLI" "$VEC/$name/outputs/esp_secure_cert.bin" "$SCRATCH/ds_efuse.txt" "$chip" "$SCRATCH/ds.json"
done
# With the wrong HMAC key the self-test must fail.
efuse_file "$VEC/v08_ds_rsa3072_esp32c3_keyfile/inputs/test_hmac_key.bin" 1 HMAC_DOWN_DIGITAL_SIGNATURE \
    "$SCRATCH/wrong.txt"
check "simulate DS self-test fails with a wrong key" bash -c '
    "$1" simulate --flash "$2" --efuse "$3" --json >"$4" 2>/dev/null &&
    python3 -c "import json,sys; g=json.load(open(sys.argv[1])); sys.exit(0 if g[\"ds_self_test\"]==\"fail\" else str(g))" "$4"' \
    _ "$CLI" "$VEC/v05_ds_rsa2048_esp32c3_autokey/outputs/esp_secure_cert.bin" "$SCRATCH/wrong.txt" "$SCRATCH/ds.json"

# HMAC-protected keys: expected.json's device_view.
efuse_file "$VEC/v28_hmac_encrypted_priv_key/inputs/hmac_key.bin" 1 HMAC_UP "$SCRATCH/up.txt"
for spec in "v28_hmac_encrypted_priv_key priv_key_pem_sha256 ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY" \
            "v29_hmac_ecdsa_derived derived_priv_key_der_sha256 ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY"; do
    read -r name field type <<<"$spec"
    want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device_view"][sys.argv[2]])' \
        "$VEC/$name/expected.json" "$field")
    "$CLI" simulate --flash "$VEC/$name/outputs/esp_secure_cert.bin" --efuse "$SCRATCH/up.txt" --json \
        >"$SCRATCH/p.json" 2>/dev/null
    check "simulate $name key" json_field_is "$SCRATCH/p.json" \
        "got['priv_key_sha256'] == '$want' and got['priv_key_type'] == '$type'"
done
"$CLI" simulate --flash "$VEC/v31_hmac_encrypted_tampered/outputs/esp_secure_cert.bin" --efuse "$SCRATCH/up.txt" \
    --json >"$SCRATCH/p.json" 2>/dev/null
check "simulate v31 tampered key is refused" json_field_is "$SCRATCH/p.json" \
    "got['priv_key_sha256'] is None and got['priv_key_sha256_error'].startswith('ESP_')"
"$CLI" simulate --flash "$VEC/v28_hmac_encrypted_priv_key/outputs/esp_secure_cert.bin" --json \
    >"$SCRATCH/p.json" 2>/dev/null
check "simulate v28 without eFuse gives no key" json_field_is "$SCRATCH/p.json" \
    "got['priv_key_sha256'] is None and got['priv_key_sha256_error'] is not None"
"$CLI" simulate --flash "$VEC/reference/examples/esp_secure_cert_app/tests/esp_secure_cert.bin" --json \
    >"$SCRATCH/p.json" 2>/dev/null
check "simulate reports a missing INTEGRITY entry" json_field_is "$SCRATCH/p.json" \
    "got['integrity'] is None and got['integrity_error'] == 'ESP_ERR_NOT_FOUND'"

# simulate must not change the image (opened read-only).
cp "$V01" "$SCRATCH/ro.bin"; before=$(sha256sum <"$SCRATCH/ro.bin")
"$CLI" simulate --flash "$SCRATCH/ro.bin" >/dev/null 2>&1
check "simulate leaves the image untouched" test "$before" = "$(sha256sum <"$SCRATCH/ro.bin")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
