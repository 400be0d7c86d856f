#!/usr/bin/env bash
# `meson install` into a staging directory puts in place what a user of the installed discsim
# needs: the programs, the library, the headers, a pkg-config file that compiles and links a
# program against them (which then runs and computes a mesh), and a man page that renders and
# lists the keys of -help.
set -u
build=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pass=0; fail=0
check() { if [ "$1" = ok ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL: $2"; fi; }
DESTDIR="$work/stage" meson install -C "$build" --no-rebuild --quiet > "$work/install.log" 2>&1 || { echo "FAIL: meson install: $(tail -3 "$work/install.log")"; exit 1; }
prefix=$(meson introspect "$build" --buildoptions | /usr/bin/python3 -c "import json, sys; print(next(o['value'] for o in json.load(sys.stdin) if o['name'] == 'prefix'))")
root="$work/stage$prefix"
for f in bin/discsim bin/discsim-study include/discsim/dsmesh.h include/discsim/dsrun.h share/man/man1/discsim.1; do
  [ -e "$root/$f" ] && check ok "installed $f" || check no "$f not installed"
done
pc=$(find "$root" -name discsim.pc | head -1); lib=$(dirname "$(find "$root" -name 'libdiscsim.so*' | head -1)")
[ -n "$pc" ] && [ -n "$lib" ] && check ok "discsim.pc and libdiscsim.so installed" || check no "no discsim.pc or library under $root"
# a program of the user's, built with pkg-config's flags against the staged installation
cat > "$work/user.c" <<'C'
#include <dsmesh.h>
int main(int argc, char **argv)
{
  DSMesh   mesh;
  PetscInt n;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(DSMeshCreate(PETSC_COMM_WORLD, &mesh));
  PetscCall(DSMeshSetFromOptions(mesh));
  PetscCall(DSMeshSetUp(mesh, 3));
  PetscCall(DSMeshGetNumActiveCells(mesh, &n));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cells in the disc: %" PetscInt_FMT "\n", n));
  PetscCall(DSMeshDestroy(&mesh));
  PetscCall(PetscFinalize());
  return 0;
}
C
# (the staged paths stand where the installed ones will: the prefix is replaced in discsim's own flags only)
flags=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs discsim 2>&1 | sed "s|-I$prefix/|-I$root/|g; s|-L$prefix/|-L$root/|g")
mpicc -o "$work/user" "$work/user.c" $flags -Wl,-rpath,"$lib" > "$work/cc.log" 2>&1 && check ok "a user program compiles and links with pkg-config --cflags --libs discsim" || check no "compile against the installation: $(head -5 "$work/cc.log")"
out=$("$work/user" -mesh_type axisymmetric -mesh_nr 20 -mesh_nz 10 2>&1)
# 20 x 10 cells, every one in the disc (the axisymmetric grid spans the disc's r-z plane)
[ "$out" = "cells in the disc: 200" ] && check ok "it runs: $out" || check no "the user program printed: $out"
# the man page renders without warnings and lists the keys of -help with units
man=$(groff -man -Tutf8 -ww "$root/share/man/man1/discsim.1" 2> "$work/groff.err" | col -b | tr -s ' \t\n' ' ')
[ ! -s "$work/groff.err" ] && check ok "man page renders without groff warnings" || check no "groff: $(head -3 "$work/groff.err")"
for key in -mesh_nr -nutrient_D_glucose_NP -injection1_dose -checkpoint_interval -restart; do
  grep -q -- "$key" <<< "$man" && check ok "man page lists $key" || check no "man page lacks $key"
done
grep -q "disc height (vertebra to vertebra) \[mm\]" <<< "$man" && check ok "man page carries units from the parameter tables" || check no "man page: no '-mesh_height ... [mm]'"
echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
