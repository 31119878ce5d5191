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
# signature (docs/signing.md): the last run of SIGNATURE_BLOCK entries covers
# every byte before it and only INTEGRITY may follow; the reference checked
# each signature it made, so a well-placed one is valid.
sig = [i for i, t in enumerate(tlvs) if t["type"] == 8]
if sig:
    last = sig[-1]
    first = last
    while first > 0 and tlvs[first - 1]["type"] == 8:
        first -= 1
    if first == 0 or any(t["type"] != 9 for t in tlvs[last + 1 :]):
        failed.add("signature")
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

# ---- verify: signatures ----
# The key digest of each signing key, computed here from the key file as
# docs/signing.md defines it (espsecure digest_sbv2_public_key).
key_digest() { # key.pem -> hex digest
    python3 - "$1" <<'PY'
import hashlib, subprocess, sys
pem = sys.argv[1]
txt = subprocess.run(["openssl", "pkey", "-in", pem, "-text_pub", "-noout"], capture_output=True, text=True).stdout
if "Modulus" in txt:
    n = int(subprocess.run(["openssl", "rsa", "-in", pem, "-noout", "-modulus"], capture_output=True,
                           text=True).stdout.split("=")[1], 16)
    e = 65537 if "65537" in txt else int(txt.split("Exponent:")[1].split()[0])
    blob = (n.to_bytes(384, "little") + e.to_bytes(4, "little") + pow(2, 6144, n).to_bytes(384, "little")
            + ((-pow(n, -1, 2**32)) % 2**32).to_bytes(4, "little"))
else:
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"], capture_output=True).stdout
    bits = {"P-192": 192, "P-256": 256, "P-384": 384}[next(c for c in ("P-192", "P-256", "P-384") if c in txt)]
    cl = (bits + 7) // 8
    pt = der[-(2 * cl + 1):]
    x, y = pt[1 : 1 + cl], pt[1 + cl :]
    curve = {192: 1, 256: 2, 384: 3}[bits]
    pad = 64 if bits < 384 else 96
    blob = (bytes([curve]) + x[::-1] + y[::-1]).ljust(1 + pad, b"\0")
print(hashlib.sha256(blob).hexdigest())
PY
}
sig_report_is() { # json python-expression (over got and sigs)
    python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))
sigs = got["signatures"]
sig = next(c for c in got["checks"] if c["name"] == "signature")
if not eval(sys.argv[2]):
    sys.exit("not true: %s in %s" % (sys.argv[2], {"ok": got["ok"], "signature": sig, "signatures": sigs}))' "$1" "$2"
}
K="$VEC/keys"
for spec in "v12_signed_rsa3072 test_sign_rsa3072.pem" "v13_signed_ecdsa256 test_sign_ecdsa256.pem" \
            "v14_signed_ecdsa384 test_sign_ecdsa384.pem" "v18_sign_existing_bin test_sign_ecdsa256.pem"; do
    read -r name key <<<"$spec"
    img="$VEC/$name/outputs/esp_secure_cert_signed.bin"
    want=$(key_digest "$K/$key")
    "$CLI" verify --json "$img" >"$SCRATCH/s.json" 2>/dev/null
    check "verify $name: signature valid, signer not checked, digest of $key" sig_report_is "$SCRATCH/s.json" \
        "got['ok'] and len(sigs) == 1 and sigs[0]['valid'] and sigs[0]['trusted'] is None and sigs[0]['key_digest'] == '$want' and 'signer not checked: key digest $want' in sig['messages'][0]"
    "$CLI" verify --json "$img" --trusted-key "$K/$key" >"$SCRATCH/s.json" 2>/dev/null
    check "verify $name --trusted-key $key" sig_report_is "$SCRATCH/s.json" "got['ok'] and sigs[0]['trusted'] is True"
done
img="$VEC/v16_signed_multi_ecdsa256_rsa3072/outputs/esp_secure_cert_signed.bin"
openssl pkey -in "$K/test_sign_rsa3072.pem" -pubout -out "$SCRATCH/rsa.pub" 2>/dev/null
"$CLI" verify --json "$img" --trusted-key "$SCRATCH/rsa.pub" >"$SCRATCH/s.json" 2>/dev/null
check "verify v16: two signatures, the RSA public key trusted" sig_report_is "$SCRATCH/s.json" \
    "got['ok'] and [s['valid'] for s in sigs] == [True, True] and [s['trusted'] for s in sigs] == [False, True]"
"$CLI" verify --json "$img" --trusted-digest "$(key_digest "$K/test_sign_ecdsa256.pem")" >"$SCRATCH/s.json" 2>/dev/null
check "verify v16 --trusted-digest of the ECDSA key" sig_report_is "$SCRATCH/s.json" \
    "got['ok'] and [s['trusted'] for s in sigs] == [True, False]"
"$CLI" verify --json "$img" --trusted-key "$K/test_sign_ecdsa384.pem" >"$SCRATCH/s.json" 2>/dev/null
check "verify v16 with an untrusted signer fails" sig_report_is "$SCRATCH/s.json" \
    "not got['ok'] and not sig['ok'] and any('no valid signature by a trusted key' in m for m in sig['messages'])"
"$CLI" verify --json "$V01" --trusted-key "$K/test_sign_ecdsa256.pem" >"$SCRATCH/s.json" 2>/dev/null
check "verify: an unsigned image fails when a trusted key is given" sig_report_is "$SCRATCH/s.json" \
    "not sig['ok'] and sigs == [] and 'not signed' in sig['messages'][0]"

# Bit flips in a signed image, with CRCs and INTEGRITY fixed so that only the
# signature can tell.
S13="$VEC/v13_signed_ecdsa256/outputs/esp_secure_cert_signed.bin"
flip() { # offset-expression -> $SCRATCH/bad.bin
    python3 -c '
import hashlib, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
def entries():
    off = 0
    while off + 12 <= len(b) and b[off:off + 4] == b"\x11\xba\x5e\xba":
        n = int.from_bytes(b[off + 10 : off + 12], "little")
        yield off, b[off + 8], n
        off += 12 + n + (-n % 16) + 4
ents = list(entries())
sig = next(o for o, t, n in ents if t == 8)
b[eval(sys.argv[3])] ^= 0x01
for off, t, n in ents:
    if t == 9:
        b[off + 12 : off + 44] = hashlib.sha256(bytes(b[:off])).digest()
    end = off + 12 + n + (-n % 16)
    b[end : end + 4] = zlib.crc32(bytes(b[off:end]), 0xFFFFFFFF).to_bytes(4, "little")
open(sys.argv[2], "wb").write(b)' "$S13" "$SCRATCH/bad.bin" "$1"
}
flip 100
check "verify names a changed byte in the signed range" verify_fails_with signature
flip 'sig + 12 + 16 + 1 + 64 + 5'
check "verify names a changed signature value" verify_fails_with signature
flip 'sig + 12 + 16 + 1 + 3'
check "verify names a changed signing key" verify_fails_with signature

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

# HMAC-protected keys made by generate (v23/v24's CSVs, our defined result):
# the API returns the PEM key decrypted / the PBKDF2-derived key, computed
# here with openssl and hashlib.
for name in v23_csv_hmac_encrypted_key v24_csv_hmac_ecdsa_derived; do
    work="$SCRATCH/$name"; cp -r "$VEC/$name" "$work"; chmod -R u+w "$work"
    (cd "$work" && "$CLI" generate -q --csv inputs/config.csv --test-seed x -o out/img.bin 2>/dev/null)
    efuse_file "$work/out/hmac_key.bin" 1 HMAC_UP "$work/up.txt"
    if [ "$name" = v23_csv_hmac_encrypted_key ]; then
        (openssl pkey -in "$work/inputs/test_dev_rsa2048.key" -traditional && printf '\0') >"$work/want"
        type=ESP_SECURE_CERT_HMAC_ENCRYPTED_KEY
    else
        python3 -c '
import hashlib, sys
d = hashlib.pbkdf2_hmac("sha256", open(sys.argv[1], "rb").read(), bytes(range(32)), 2048, 32)
sys.stdout.buffer.write(bytes.fromhex("30310201010420") + d + bytes.fromhex("a00a06082a8648ce3d030107"))' \
            "$work/out/hmac_key.bin" | openssl ec -inform DER -outform DER -out "$work/want" 2>/dev/null
        type=ESP_SECURE_CERT_HMAC_DERIVED_ECDSA_KEY
    fi
    want=$(sha256sum <"$work/want" | cut -d' ' -f1)
    "$CLI" simulate --flash "$work/out/img.bin" --efuse "$work/up.txt" --json >"$SCRATCH/p.json" 2>/dev/null
    check "simulate generated $name" json_field_is "$SCRATCH/p.json" \
        "got['priv_key_sha256'] == '$want' and got['priv_key_len'] == $(stat -c %s "$work/want") and got['priv_key_type'] == '$type' and got['integrity'] is True"
    "$CLI" simulate --flash "$work/out/img.bin" --json >"$SCRATCH/p.json" 2>/dev/null
    check "simulate generated $name without the eFuse key gives no key" json_field_is "$SCRATCH/p.json" \
        "got['priv_key_sha256'] is None and got['priv_key_type'] == '$type'"
done

# simulate must not change the image (opened read-only).
cp "$V01" "$SCRATCH/ro.bin"; before=$(sha256sum <"$SCRATCH/ro.bin")
"$CLI" simulate --flash "$SCRATCH/ro.bin" >/dev/null 2>&1
check "simulate leaves the image untouched" test "$before" = "$(sha256sum <"$SCRATCH/ro.bin")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
