#!/usr/bin/env bash
# Make this checkout ready to run: install the Debian 12 packages discsim needs (only those that
# are missing: apt is skipped when all are present), then configure and build in ./build.
# Usage: bash tools/setup.sh [--with-paraview]     (ParaView + xvfb for tools/render.py, ~1.3 GB)
#        bash tools/setup.sh --with-peers         (FreeFem++ and FEniCSx for bench/peers/, ~0.6 GB; bench only)
#        bash tools/setup.sh --with-sanitizers    (llvm-symbolizer, clang and libFuzzer: tools/test.sh --sanitize, bench/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc meson ninja-build pkg-config libsundials-dev petsc-dev openmpi-bin libnetcdf-dev netcdf-bin libyaml-dev libnifti-dev check python3-matplotlib python3-netcdf4 python3-pandas python3-xarray python3-numpy)
[ "${1:-}" = "--with-paraview" ] && packages+=(paraview xvfb)
[ "${1:-}" = "--with-peers" ] && packages+=(freefem++ python3-dolfinx) # bench/peers/compare.sh, compare3d.sh
[ "${1:-}" = "--with-sanitizers" ] && packages+=(llvm clang libclang-rt-14-dev) # llvm-symbolizer; clang and libFuzzer for bench/fuzz.sh

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "discsim setup: installing missing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
else
  echo "discsim setup: all Debian packages present"
fi

[ "${1:-}" = "--with-sanitizers" ] && exit 0 # tools/test.sh --sanitize builds its own tree
[ -f build/build.ninja ] || meson setup build --buildtype=release
ninja -C build
