#!/usr/bin/env bash
# The whole test suite: packages, build, then every test through meson.
#   bash tools/test.sh              the release build in ./build
#   bash tools/test.sh --sanitize   the same suite on an AddressSanitizer + UndefinedBehaviorSanitizer
#                                   build in ./build-sanitize, with leak detection; the only leaks
#                                   forgiven are Open MPI's, named in tools/lsan.supp
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  shift
  bash tools/setup.sh --with-sanitizers
  source tools/env.sh
  [ -f build-sanitize/build.ninja ] || meson setup build-sanitize --buildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C build-sanitize
  # full stacks (fast_unwind_on_malloc=0): Open MPI's plugins are unloaded at exit, and only full
  # stacks name the Open MPI functions the suppressions match
  export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=0
  export LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  symbolizer=$(command -v llvm-symbolizer || true)
  [ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
  meson test -C build-sanitize --print-errorlogs --timeout-multiplier 4 "$@"
  exit
fi
bash tools/setup.sh
source tools/env.sh
meson test -C build --print-errorlogs "$@"
