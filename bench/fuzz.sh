#!/usr/bin/env bash
# Fuzzes discsim's input path (tests/fuzz/fuzz_scenario.c) with libFuzzer for SECONDS (default
# 60), on a clang build with AddressSanitizer and UndefinedBehaviorSanitizer in ./build-fuzz.
# The seed corpus is every scenario of examples/ and tests/bad/; new inputs go to
# build-fuzz/corpus, findings (crashes, leaks, timeouts) to build-fuzz/findings. Exit status 0:
# no finding.
# Usage: bash bench/fuzz.sh [SECONDS]   a campaign (bench/: long runs)
#        bash bench/fuzz.sh --smoke     50000 inputs from seed 1 on the seed corpus alone (about
#                                       45 s; not bit-for-bit repeatable: libFuzzer's comparison
#                                       dictionary holds pointer values)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
limits=(-max_total_time="$seconds")
corpus=build-fuzz/corpus
if [ "$seconds" = "--smoke" ]; then
  limits=(-runs=50000 -seed=1)
  corpus=build-fuzz/smoke-corpus
  rm -rf "$corpus"
fi
bash tools/setup.sh --with-sanitizers
command -v clang > /dev/null || { echo "bench/fuzz.sh: clang is needed (Debian package clang)"; exit 2; }
source tools/env.sh
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-fuzz fuzz_scenario
mkdir -p "$corpus" build-fuzz/findings
cp examples/*.yaml tests/bad/*.yaml "$corpus"/
# leaks are checked by libFuzzer after every input; the check at exit would report only Open
# MPI's own (MPI_Init/MPI_Finalize, tools/lsan.supp), which fast stacks cannot match
export ASAN_OPTIONS=detect_leaks=1:leak_check_at_exit=0
export LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
symbolizer=$(command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
./build-fuzz/fuzz_scenario "$corpus" "${limits[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
  -artifact_prefix=build-fuzz/findings/ -print_final_stats=1
