#!/usr/bin/env bash
# Every example run and pictured in ParaView, with a state file per example, in one pvbatch process.
#   bash tools/gallery.sh [OUTDIR]      (default results/gallery)
# Writes OUTDIR/NAME.exo (the example's result), OUTDIR/NAME.png (its main field at the last step:
# tools/paraview_gallery.py) and OUTDIR/NAME.pvsm (File > Load State in ParaView opens the same view;
# choose "Search files under specified directory" = OUTDIR when the folder has moved). The
# axisymmetric healthy disc is also written revolved into a solid (-output_revolve 36) and cut open.
# Needs ParaView (bash tools/setup.sh --with-paraview). DISCSIM=path uses that build;
# GALLERY_RUN_OPTIONS="..." adds options to every run (the test suite: short runs), and
# GALLERY_OPTIONS_<example>="..." to that example's run (the test suite: coarse meshes).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/gallery}
if [ -z "${DISCSIM:-}" ]; then bash tools/setup.sh > /dev/null; fi
discsim=$(realpath "${DISCSIM:-./build/discsim}")
source tools/env.sh
command -v pvbatch > /dev/null || { echo "tools/gallery.sh: pvbatch not found (bash tools/setup.sh --with-paraview)"; exit 2; }
mkdir -p "$out"
items=()
for yaml in examples/*.yaml; do
  name=$(basename "$yaml" .yaml)
  echo "running $name"
  per=GALLERY_OPTIONS_$name
  "$discsim" "$yaml" -output_file "$out/$name.exo" -output_overwrite -quiet ${GALLERY_RUN_OPTIONS:-} ${!per:-} > "$out/$name.txt"
  case $name in # the field and time that tell the example's story (default: the main field, last step)
  exosome_dose) items+=("$out/$name.exo:exo_total_particles_per_mm3:180") ;; # 12 h after the dose
  cell_injection) items+=("$out/$name.exo:cells_injected_cells_per_mm3") ;;
  degeneration_years) items+=("$out/$name.exo:aggrecan") ;;
  endplate_exchange) items+=("$out/$name.exo:cells_native_cells_per_mm3") ;; # the cells the reduced supply left
  *) items+=("$out/$name.exo") ;;
  esac
done
"$discsim" examples/healthy_disc.yaml -output_file "$out/healthy_disc_solid.exo" -output_revolve 36 -output_overwrite -quiet ${GALLERY_RUN_OPTIONS:-} > "$out/healthy_disc_solid.txt"
items+=("$out/healthy_disc_solid.exo")
# xvfb-run -a can lose a race for a display number: try again in that case only
for attempt in 1 2 3; do
  if xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch tools/paraview_gallery.py "$out" "${items[@]}" > "$out/gallery.log" 2>&1; then break; fi
  grep -q "bad X server connection" "$out/gallery.log" && [ $attempt -lt 3 ] && continue
  grep -v '0x' "$out/gallery.log" | tail -5; exit 1
done
grep -E '^[a-z_0-9]+: ' "$out/gallery.log"
