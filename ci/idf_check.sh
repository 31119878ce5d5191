#!/usr/bin/env bash
# Device compile check of the esp_secure_cert component for ESP-IDF.
#
# usage: ci/idf_check.sh [--keep DIR] [--quiet]
#   --keep DIR  keep objects, .su/.ci files and logs in DIR (default: temp dir)
#   --quiet     print only failures, the tables and the final line
#
# Uses the offline kit ../shared/idf-kit (ESP-IDF v5.5.5 + Mbed TLS 3.6.6
# headers, esp32c3, Debian's RISC-V GCC; override with $IDF_KIT). Without the
# kit it prints "SKIP: ..." and exits 0.
#
# It first parses Kconfig (python3-kconfiglib) and checks the option names and
# esp32c3 defaults. Then, for each configuration in CONFIGS below, it asks the
# top-level CMakeLists.txt itself (tests/idf/cmake_probe runs its ESP_PLATFORM
# branch with stand-ins for the IDF CMake functions) which sources the
# component builds and with which per-source definitions, and compiles exactly
# those, plus tests/idf/*.c and the example's main/*.c, with -Werror and the
# project's warning set. Then it prints:
#   - a footprint table: text bytes per component object and in total, per
#     configuration (riscv64-unknown-elf-size; text includes read-only data),
#     the text reachable from the public functions (ld -r --gc-sections) and
#     how much of that is string constants;
#   - the stack frame of every public esp_secure_cert_* function, the deepest
#     chain of direct calls inside our own code (-fcallgraph-info; calls into
#     IDF/mbedTLS and through port callbacks are not followed), and the
#     largest frames overall (-fstack-usage).
# ESC_LOG_LEVEL=N (default 2, the Kconfig default) sets the component's log
# level for every configuration; 0 gives the footprint with logging off.
# It fails if any file does not compile or any function's frame exceeds
# ESC_STACK_LIMIT bytes (default 1024). The last line is
# "idf-check: N configs, M files, K failures". Exit status: 0 pass or skip,
# 1 failure, 2 usage error.
set -u

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="${IDF_KIT:-$REPO/../shared/idf-kit}"
STACK_LIMIT="${ESC_STACK_LIMIT:-1024}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

keep=""; quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) [ $# -ge 2 ] || { echo "idf_check: --keep needs a directory" >&2; exit 2; }; keep="$2"; shift ;;
        --quiet) quiet=1 ;;
        -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "idf_check: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

say() { [ "$quiet" = 1 ] || echo "$@"; }

if [ ! -f "$KIT/check.sh" ]; then
    if [ -n "${IDF_KIT:-}" ]; then
        echo "SKIP: IDF kit not found at \$IDF_KIT=$IDF_KIT"
    else
        echo "SKIP: ../shared/idf-kit not found"
    fi
    exit 0
fi
KIT="$(cd "$KIT" && pwd)"
if ! command -v cmake >/dev/null 2>&1; then
    echo "idf_check: cmake is needed to read the component's source selection" >&2
    exit 1
fi
# check.sh installs the cross compiler on first use; do it once up front so a
# machine that cannot install it says so clearly instead of failing every file.
if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
    bash "$KIT/check.sh" "$KIT/test/headers.c" >/dev/null 2>&1
    if ! command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
        echo "SKIP: riscv64-unknown-elf-gcc is missing and could not be installed (apt)"
        exit 0
    fi
fi

if [ -n "$keep" ]; then
    mkdir -p "$keep" && work="$(cd "$keep" && pwd)"
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi

# The warnings of the host build (CMakeLists.txt ESC_WARNINGS), as errors.
WARN=(-Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers)
STACK=(-fstack-usage -fcallgraph-info=su)

# Kconfig default of the log level choice (IDF always defines it);
# ESC_LOG_LEVEL=0 measures the build with logging off.
BASE_SYMS="ESP_SECURE_CERT_LOG_LEVEL=${ESC_LOG_LEVEL:-2}"
# Secure verification depends on Secure Boot V2 (RSA is the scheme on esp32c3).
SBV2_SYMS="SECURE_BOOT=y SECURE_BOOT_V2_ENABLED=y SECURE_BOOT_V2_RSA_ENABLED=y SECURE_SIGNED_APPS=y \
SECURE_SIGNED_APPS_RSA_SCHEME=y SECURE_SIGNED_ON_BOOT=y SECURE_SIGNED_ON_UPDATE=y"
DS_SYMS="ESP_SECURE_CERT_DS_PERIPHERAL=y MBEDTLS_HARDWARE_RSA_DS_PERIPHERAL=y"
WRITE_SYMS="ESP_SECURE_CERT_ENABLE_WRITE=y"
LEGACY_SYMS="ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS=y"
SV_SYMS="ESP_SECURE_CERT_SECURE_VERIFICATION=y $SBV2_SYMS"

# name|Kconfig symbols set to y (or a value)[|nohw]. "default" has none of
# the component's options; "c3_defaults" is what menuconfig gives on esp32c3
# (DS and write on), the feature set the original's 16,158 bytes were
# measured with. "nohw" compiles against a copy of the esp32c3 SoC caps
# without HMAC, DS and eFuse key purposes, as on ESP32 / ESP32-C2: code that
# uses those peripherals unguarded fails there (esp_hmac.h even #errors).
CONFIGS=(
    "default|"
    "write|$WRITE_SYMS"
    "legacy|$LEGACY_SYMS"
    "ds|$DS_SYMS"
    "verify|$SV_SYMS"
    "c3_defaults|$DS_SYMS $WRITE_SYMS"
    "all|$DS_SYMS $WRITE_SYMS $LEGACY_SYMS $SV_SYMS"
    "no_hmac_ds|$WRITE_SYMS $LEGACY_SYMS|nohw"
)

# --- Kconfig sanity (only where kconfiglib is installed: python3-kconfiglib) ---
kconfig_check() {
    # Debian's python3-kconfiglib parses ESP-IDF's Kconfig dialect for what we use.
    if ! "$PY" -c 'import kconfiglib' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kconfiglib >/dev/null 2>&1 || true
    fi
    "$PY" - "$REPO/Kconfig" <<'PY'
import sys, tempfile, os
try:
    import kconfiglib
except ImportError:
    print("kconfig: python3-kconfiglib not installed, Kconfig not parsed")
    sys.exit(0)
# Stand-ins for the IDF symbols our Kconfig refers to, valued as on esp32c3.
stub = """
config SOC_DIG_SIGN_SUPPORTED
    bool
    default y
config MBEDTLS_HARDWARE_RSA_DS_PERIPHERAL
    bool
config SECURE_BOOT_V2_RSA_ENABLED
    bool
config SECURE_BOOT_V2_ECDSA_ENABLED
    bool
source "%s"
""" % sys.argv[1]
with tempfile.NamedTemporaryFile("w", suffix=".Kconfig", delete=False) as f:
    f.write(stub)
    path = f.name
try:
    k = kconfiglib.Kconfig(path, warn_to_stderr=False)
finally:
    os.unlink(path)
want = {  # option names of esp_secure_cert_mgr keep their meaning; ours added
    "ESP_SECURE_CERT_DS_PERIPHERAL": "y",
    "ESP_SECURE_CERT_SUPPORT_LEGACY_FORMATS": "n",
    "ESP_SECURE_CERT_SECURE_VERIFICATION": "n",
    "ESP_SECURE_CERT_WRITE_ENABLE_LOGGING": "n",
    "ESP_SECURE_CERT_ENABLE_WRITE": "y",
    "ESP_SECURE_CERT_LOG_LEVEL": "2",
    "MBEDTLS_HARDWARE_RSA_DS_PERIPHERAL": "y",
}
bad = [w for w in k.warnings]
for name, val in want.items():
    sym = k.syms.get(name)
    got = sym.str_value if sym is not None and sym.nodes else None
    if got != val:
        bad.append("%s: default is %r on esp32c3, expected %r" % (name, got, val))
if bad:
    for b in bad:
        print("kconfig: FAIL " + b)
    sys.exit(1)
print("kconfig: OK (esp32c3 defaults: DS=y, write=y, legacy=n, secure verification=n, log level 2)")
PY
}

failures=0
files_compiled=0
configs_done=0
kc_out="$(kconfig_check)"; kc_rc=$?
echo "$kc_out"
[ $kc_rc = 0 ] || failures=$((failures + 1))

# --- per-configuration compile ---
extras_tests=()
for f in "$REPO"/tests/idf/*.c; do [ -f "$f" ] && extras_tests+=("$f"); done
extras_example=()
for f in "$REPO"/examples/esp_secure_cert_app/main/*.c; do [ -f "$f" ] && extras_example+=("$f"); done

compile_group() { # log objdir flags... -- files...
    local log="$1" objdir="$2"; shift 2
    local flags=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
    shift
    [ $# -gt 0 ] || return 0
    bash "$KIT/check.sh" --objdir "$objdir" "${WARN[@]}" "${STACK[@]}" "${flags[@]}" "$@" >>"$log" 2>&1
}

# SoC caps and sdkconfig of a chip without HMAC/DS/key purposes (see above).
make_nohw_overlay() { # dir
    local d="$1" pat='SOC_HMAC_SUPPORTED|SOC_DIG_SIGN_SUPPORTED|SOC_EFUSE_KEY_PURPOSE_FIELD'
    mkdir -p "$d/inc/soc" "$d/sdk"
    grep -Ev "#define ($pat)\b" "$KIT/include/idf/soc/esp32c3/include/soc/soc_caps.h" >"$d/inc/soc/soc_caps.h"
    grep -Ev "#define CONFIG_($pat)\b" "$KIT/include/config/sdkconfig.h" >"$d/sdk/sdkconfig.h"
}

for entry in "${CONFIGS[@]}"; do
    name="${entry%%|*}"; rest="${entry#*|}"; syms="$BASE_SYMS ${rest%%|*}"
    variant=""; [ "$rest" != "${rest#*|}" ] && variant="${rest#*|}"
    cdir="$work/$name"; rm -rf "$cdir"; mkdir -p "$cdir/obj" "$cdir/extra"
    log="$cdir/compile.log"; : >"$log"
    hw=()
    if [ "$variant" = nohw ]; then
        make_nohw_overlay "$cdir/nohw"
        hw=(--sdkconfig "$cdir/nohw/sdk" -I "$cdir/nohw/inc")
    fi

    cmake_defs=(); c_defs=()
    for s in $syms; do
        key="${s%%=*}"; val="${s#*=}"
        cmake_defs+=("-DCONFIG_$key=$val")
        [ "$val" = y ] && val=1
        c_defs+=("-DCONFIG_$key=$val")
    done

    probe_out="$cdir/sources.txt"
    if ! cmake -S "$REPO/tests/idf/cmake_probe" -B "$cdir/probe" -DESC_SOURCE_DIR="$REPO" \
            -DESC_PROBE_OUT="$probe_out" "${cmake_defs[@]}" >"$cdir/probe.log" 2>&1; then
        echo "idf-check [$name]: FAIL the ESP_PLATFORM branch of CMakeLists.txt did not configure:"
        sed 's/^/    /' "$cdir/probe.log" | tail -20
        failures=$((failures + 1)); configs_done=$((configs_done + 1)); continue
    fi
    incs=(); srcs=()
    while read -r kind path rest; do
        case "$kind" in
            inc) incs+=(-I "$path") ;;
            src) srcs+=("$path|$rest") ;;
        esac
    done <"$probe_out"

    # Objects are named after the file: two sources with one basename would
    # overwrite each other's object and hide one from the footprint.
    dups="$(for s in "${srcs[@]}"; do basename "${s%%|*}"; done | sort | uniq -d)"
    if [ -n "$dups" ]; then
        echo "idf-check [$name]: FAIL duplicate source basenames: $dups"
        failures=$((failures + 1))
    fi

    # Group sources by their per-source definitions (one check.sh call each).
    groups="$(for s in "${srcs[@]}"; do echo "${s#*|}"; done | sort -u)"
    while IFS= read -r defs; do
        files=()
        for s in "${srcs[@]}"; do [ "${s#*|}" = "$defs" ] && files+=("${s%%|*}"); done
        [ ${#files[@]} -gt 0 ] || continue
        dflags=()
        for d in $defs; do dflags+=("-D$d"); done
        compile_group "$log" "$cdir/obj" "${hw[@]+"${hw[@]}"}" "${c_defs[@]}" "${dflags[@]}" "${incs[@]}" -- \
            "${files[@]}"
    done <<<"$groups"
    # tests/idf sees what the component sees; the example only the public API.
    compile_group "$log" "$cdir/extra" "${hw[@]+"${hw[@]}"}" "${c_defs[@]}" "${incs[@]}" -- \
        "${extras_tests[@]+"${extras_tests[@]}"}"
    compile_group "$log" "$cdir/extra" "${hw[@]+"${hw[@]}"}" "${c_defs[@]}" -I "$REPO/include" -- \
        "${extras_example[@]+"${extras_example[@]}"}"

    nfiles=$((${#srcs[@]} + ${#extras_tests[@]} + ${#extras_example[@]}))
    nfail=$(grep -c '^FAIL ' "$log")
    files_compiled=$((files_compiled + nfiles))
    configs_done=$((configs_done + 1))
    if [ "$nfail" -gt 0 ]; then
        failures=$((failures + nfail))
        echo "idf-check [$name]: $nfail of $nfiles files FAILED ($syms)"
        # The compiler's messages, minus check.sh's OK lines.
        grep -v '^OK ' "$log" | sed "s|$REPO/||g; s/^/    /"
    else
        say "idf-check [$name]: $nfiles files OK"
    fi
done

# --- footprint and stack report ---
report_rc=0
"$PY" - "$work" "$REPO" "$STACK_LIMIT" "${CONFIGS[@]}" <<'PY' || report_rc=$?
import glob, os, re, subprocess, sys

work, repo, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
configs = [c.split("|", 1)[0] for c in sys.argv[4:]]
# esp_secure_cert_mgr's esp_secure_cert_tlv_read.o + _crypto.o + _tlv_write.o
# with the same kit and flags (its selftest.sh; DS on, legacy and secure
# verification off): the feature set of "c3_defaults", whose TOTAL counts
# every object of ours (port glue and log helper included, as the original
# has those inline). Of the 16,158 bytes, 4,758 are string constants.
ORIGINAL_TEXT = 16158
ORIGINAL_STRINGS = 4758

def size_of(objs):
    if not objs:
        return {}
    out = subprocess.run(["riscv64-unknown-elf-size"] + objs, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 6:
            res[os.path.basename(parts[5])[:-2]] = int(parts[0])
    return res

sizes = {c: size_of(sorted(glob.glob(os.path.join(work, c, "obj", "*.o")))) for c in configs}
objs = sorted({o for c in configs for o in sizes[c]})
if not objs:
    print("footprint: no objects (nothing compiled)")
    sys.exit(0)
w = max(len(o) for o in objs + ["TOTAL"]) + 2
cw = max(max(len(c) for c in configs), 7) + 1
print()
print("Footprint: text bytes per component object (-Os, esp32c3; '-' = not built)")
print("".ljust(w) + "".join(c.rjust(cw) for c in configs))
for o in objs:
    print(o.ljust(w) + "".join((str(sizes[c][o]) if o in sizes[c] else "-").rjust(cw) for c in configs))
totals = {c: sum(sizes[c].values()) for c in configs}
print("TOTAL".ljust(w) + "".join(str(totals[c]).rjust(cw) for c in configs))

# What an application calling every public function links: a relocatable
# link with --gc-sections rooted at the public functions (esp_*), so code no
# public function reaches (unused helpers, port callbacks of other builds)
# drops out as in a firmware link. The original's 16,158 bytes are all
# reachable that way (measured once with this kit: 37 roots, 16,158 bytes).
def reachable(c):
    objs = sorted(glob.glob(os.path.join(work, c, "obj", "*.o")))
    if not objs:
        return 0
    nm = subprocess.run(["riscv64-unknown-elf-nm", "-g", "--defined-only"] + objs, capture_output=True, text=True)
    roots = sorted({l.split()[2] for l in nm.stdout.splitlines()
                    if len(l.split()) == 3 and l.split()[1] == "T" and l.split()[2].startswith("esp_")})
    out = os.path.join(work, c, "reachable.o")
    cmd = ["riscv64-unknown-elf-ld", "-m", "elf32lriscv", "-r", "--gc-sections", "-o", out]
    for r in roots:
        cmd += ["-u", r]
    if subprocess.run(cmd + objs, capture_output=True).returncode != 0:
        return 0
    return size_of([out]).get("reachable", 0)

# String constants (log messages, tags) inside the reachable text.
def strings_of(c):
    path = os.path.join(work, c, "reachable.o")
    if not os.path.exists(path):
        return 0
    out = subprocess.run(["riscv64-unknown-elf-readelf", "-S", "-W", path], capture_output=True, text=True).stdout
    total = 0
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+PROGBITS\s+\S+\s+\S+\s+([0-9a-f]+)", line)
        if m and m.group(1).startswith(".rodata") and ".str" in m.group(1):
            total += int(m.group(2), 16)
    return total

reach = {c: reachable(c) for c in configs}
print("REACHABLE".ljust(w) + "".join(str(reach[c]).rjust(cw) for c in configs)
      + "   (ld -r --gc-sections from the public functions)")
strs = {c: strings_of(c) for c in configs}
print("  strings".ljust(w) + "".join(str(strs[c]).rjust(cw) for c in configs)
      + "   (of REACHABLE: string constants)")
if "c3_defaults" in totals:
    goal = ORIGINAL_TEXT * 60 // 100
    for label, t in (("objects", totals["c3_defaults"]), ("reachable", reach["c3_defaults"])):
        print("c3_defaults %-9s (read+write+DS, the original's feature set): %6d bytes = %5.1f%% of the original's"
              " %d (goal <= 60%% = %d)" % (label, t, 100.0 * t / ORIGINAL_TEXT, ORIGINAL_TEXT, goal))
    print("c3_defaults strings   %6d bytes of the reachable text (the original: %d of its %d)"
          % (strs["c3_defaults"], ORIGINAL_STRINGS, ORIGINAL_TEXT))

# Stack: frames from .su, call edges from .ci (per configuration "all" if
# present, else every configuration merged: the largest frame wins).
frames = {}   # (file, func) -> (bytes, qual, config)
for c in configs:
    for su in glob.glob(os.path.join(work, c, "*", "*.su")):
        for line in open(su, errors="replace"):
            m = re.match(r"^(.*):(\d+):(\d+):(\S+)\t(\d+)\t(\S+)", line)
            if not m:
                continue
            path = os.path.relpath(m.group(1), repo) if os.path.isabs(m.group(1)) else m.group(1)
            key = (path, m.group(4))
            n = int(m.group(5))
            if key not in frames or n > frames[key][0]:
                frames[key] = (n, m.group(6), c)

def component(path):
    return path.startswith("src/")

# Direct-call graph of our own code (.ci files of the component objects).
# A node is (ci file, function); a callee defined in the same file is that
# file's function (static names may repeat across files), otherwise the
# global definition of that name, otherwise outside our code.
nodes, edges, by_name = {}, {}, {}
for c in configs:
    for ci in glob.glob(os.path.join(work, c, "obj", "*.ci")):
        text = open(ci, errors="replace").read()
        local = {}
        for m in re.finditer(r'node: \{ title: "([^"]+)" label: "[^"]*?(\d+) bytes', text):
            local[m.group(1)] = int(m.group(2))
        for f, n in local.items():
            nodes[(ci, f)] = n
            if f not in by_name or n > nodes[by_name[f]]:
                by_name[f] = (ci, f)
        for m in re.finditer(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', text):
            src, dst = m.group(1), m.group(2)
            edges.setdefault((ci, src), []).append((ci, dst) if dst in local else dst)

memo = {}
def deepest(key, stack=()):
    if key in memo:
        return memo[key]
    if key in stack:
        return 0, [key[1] + " (recursion)"]
    best, path = 0, []
    for t in edges.get(key, ()):
        tk = t if isinstance(t, tuple) else by_name.get(t)
        if tk is None:
            continue  # IDF, mbedTLS, libc, or an indirect call
        d, p = deepest(tk, stack + (key,))
        if d > best:
            best, path = d, p
    # GCC names static functions "path/file.c:name"; keep the name.
    memo[key] = (nodes.get(key, 0) + best, [key[1].rsplit(":", 1)[-1]] + path)
    return memo[key]

public = sorted((k, v) for k, v in frames.items() if component(k[0]) and k[1].startswith("esp_secure_cert_"))
print()
print("Stack: public functions: own frame, and the deepest chain of direct calls inside our code")
print("       (calls into IDF/mbedTLS/libc and through port callbacks are not followed)")
for (path, func), (n, qual, c) in public:
    key = by_name.get(func)
    d, p = deepest(key) if key else (n, [func])
    chain = " > ".join(p[:5]) + (" > ..." if len(p) > 5 else "")
    print("  %-44s frame %5d  chain %5d  %s" % (func, n, d, chain))
if not public:
    print("  (no esp_secure_cert_* functions compiled)")

print()
print("Stack: largest frames (all compiled files)")
top = sorted(frames.items(), key=lambda kv: -kv[1][0])[:12]
for (path, func), (n, qual, c) in top:
    print("  %5d %-8s %-40s %s" % (n, qual, func, path))
over = [(k, v) for k, v in frames.items() if v[0] > limit or v[1].startswith("dynamic")]
bad = [(k, v) for k, v in over if v[0] > limit]
dyn = [(k, v) for k, v in over if v[1].startswith("dynamic") and v[0] <= limit]
for (path, func), (n, qual, c) in dyn:
    print("  note: %s (%s) has a %s frame (alloca/VLA): its size depends on input" % (func, path, qual))
if bad:
    print()
    for (path, func), (n, qual, c) in sorted(bad, key=lambda kv: -kv[1][0]):
        print("STACK FAIL: %s:%s uses %d bytes of stack (limit %d, config %s)" % (path, func, n, limit, c))
    sys.exit(len(bad))
print("Stack: no function above %d bytes" % limit)
PY
if [ "$report_rc" != 0 ]; then
    failures=$((failures + report_rc))
fi

echo "idf-check: $configs_done configs, $files_compiled files, $failures failures"
[ "$failures" = 0 ]
