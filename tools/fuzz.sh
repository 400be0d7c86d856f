#!/usr/bin/env bash
# Fuzzes discsim's input path (tests/fuzz/fuzz_scenario.c) with libFuzzer for SECONDS (default
# 60), on a clang build with AddressSanitizer and UndefinedBehaviorSanitizer in ./build-fuzz.
# The seed corpus is every scenario of examples/ and tests/bad/; new inputs go to
# build-fuzz/corpus, findings (crashes, leaks, timeouts) to build-fuzz/findings.
# Usage: bash tools/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash tools/setup.sh --with-sanitizers
command -v clang > /dev/null || { echo "tools/fuzz.sh: clang is needed (Debian package clang)"; exit 2; }
source tools/env.sh
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-fuzz fuzz_scenario
mkdir -p build-fuzz/corpus build-fuzz/findings
cp examples/*.yaml tests/bad/*.yaml build-fuzz/corpus/
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
symbolizer=$(command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
./build-fuzz/fuzz_scenario build-fuzz/corpus -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
  -artifact_prefix=build-fuzz/findings/ -print_final_stats=1
