#!/usr/bin/env bash
# `batch FILE` runs many generate commands in one process: each line's output
# must equal what the same command gives alone (here: the tool vectors'
# outputs), a bad line names its line number, --keep-going runs the rest,
# and the exit status reports any failure.
# usage: test_batch.sh CLI VECTORS_DIR
set -u
CLI=$(realpath "$1")
VEC=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { local name=$1; shift; if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi; }

v01=$VEC/v01_pem_rsa2048_plain
v04=$VEC/v04_device_only_pkcs1
v20=$VEC/v20_reference_example_csv
cat > "$tmp/jobs.txt" <<JOBS
# three devices, the original tool's flags
--ca-cert $v01/inputs/test_ca.pem --device-cert $v01/inputs/test_dev_rsa2048.pem --private-key $v01/inputs/test_dev_rsa2048.key --target_chip esp32c3 --skip_flash -o $tmp/a.bin

--device-cert "$v04/inputs/test_dev_rsa2048.pem" --private-key "$v04/inputs/test_dev_rsa2048.pkcs1.pem" --target_chip esp32c3 --skip_flash -o $tmp/b.bin
--esp_secure_cert_csv $v20/inputs/esp_secure_cert_config_examples.csv --target_chip esp32c3 --skip_flash -o $tmp/c.bin
JOBS
# v20's CSV names its files relative to its own folder.
(cd "$v20/inputs" && "$CLI" batch "$tmp/jobs.txt" --quiet) >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
check "three lines succeed" test "$rc" -eq 0
check "v01 output identical" cmp -s "$tmp/a.bin" "$v01/outputs/esp_secure_cert.bin"
check "v20 output identical" cmp -s "$tmp/c.bin" "$v20/outputs/esp_secure_cert.bin"
check "summary line" grep -q "batch: 3 generated, 0 failed" "$tmp/err.txt"
check "v04 output identical" cmp -s "$tmp/b.bin" "$v04/outputs/esp_secure_cert.bin"

cat > "$tmp/bad.txt" <<JOBS
--ca-cert $tmp/missing.pem --device-cert $v01/inputs/test_dev_rsa2048.pem --target_chip esp32c3 -o $tmp/x.bin
--ca-cert $v01/inputs/test_ca.pem --device-cert $v01/inputs/test_dev_rsa2048.pem --private-key $v01/inputs/test_dev_rsa2048.key --target_chip esp32c3 -o $tmp/y.bin
--device-cert "$v01/inputs/unterminated.pem -o $tmp/z.bin
JOBS
"$CLI" batch "$tmp/bad.txt" >/dev/null 2>"$tmp/err2.txt"
rc=$?
check "stops at the first failure" test "$rc" -eq 1 -a ! -e "$tmp/y.bin"
check "failure names the line" grep -q "bad.txt:1: generate failed" "$tmp/err2.txt"
check "failure names the missing file" grep -q "missing.pem" "$tmp/err2.txt"
"$CLI" batch "$tmp/bad.txt" --keep-going >/dev/null 2>"$tmp/err3.txt"
rc=$?
check "--keep-going runs the rest" test "$rc" -eq 1 -a -s "$tmp/y.bin"
check "unterminated quote named" grep -q "bad.txt:3: unterminated double quote" "$tmp/err3.txt"
check "keep-going summary" grep -q "batch: 1 generated, 2 failed" "$tmp/err3.txt"
"$CLI" batch >/dev/null 2>&1
check "no FILE is a usage error" test $? -eq 2
"$CLI" batch "$tmp/nonexistent.txt" >/dev/null 2>"$tmp/err4.txt"
check "missing FILE is bad input" test $? -eq 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
