#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. build and run every test (ctest);
#   2. the same under AddressSanitizer + UBSan;
#   3. the libFuzzer target for 30 s (clang), failing on any finding;
#   4. the ESP-IDF compile check against ../shared/idf-kit (skipped, with a
#      message, where the kit is absent).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${JOBS:-2}
fuzz_seconds=${FUZZ_SECONDS:-30}

bash scripts/install-deps.sh

run_suite() { # name, build dir, extra cmake args...
    local name=$1 dir=$2
    shift 2
    echo "=== $name: configure and build ($dir)"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug "$@" >/dev/null
    cmake --build "$dir" -j "$jobs" >/dev/null
    echo "=== $name: ctest"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" | tee "$dir/ctest.log"
    total=$((total + $(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$dir/ctest.log")))
}
total=0

run_suite "plain" build/test
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "asan+ubsan" build/asan -DESC_SANITIZE=ON

echo "=== fuzz: ${fuzz_seconds}s"
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DESC_BUILD_FUZZ=ON -DESC_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz -j "$jobs" --target fuzz_partition >/dev/null
mkdir -p build/fuzz/corpus
# Every vector seeds the corpus: many share a file name, so name each by its path.
find tests/vectors -name '*.bin' -size -64k | while read -r f; do
    cp "$f" "build/fuzz/corpus/$(echo "${f#tests/vectors/}" | tr '/' '_')"
done
for crash in fuzz/regressions/*; do
    [ -f "$crash" ] && build/fuzz/fuzz_partition "$crash" >/dev/null
done
build/fuzz/fuzz_partition -max_total_time="$fuzz_seconds" -max_len=16384 -print_final_stats=1 \
    -artifact_prefix=build/fuzz/ build/fuzz/corpus 2>&1 | tail -n 12

echo "=== ESP-IDF compile check"
bash ci/idf_check.sh

echo "test.sh: all stages passed (ctest twice, fuzzing, ESP-IDF compile check)"
echo "$total passed, 0 failed"
