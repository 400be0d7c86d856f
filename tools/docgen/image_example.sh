#!/usr/bin/env bash
# The table of the label-image example's key figures for doc/meshes.md (a generated block:
# tools/doc_generated.py): examples/image_disc.yaml as it is and with -mesh_image_coarsen 2, to
# steady state, with $DISCSIM (default build/discsim).
set -euo pipefail
cd "$(dirname "$0")/../.."
discsim=${DISCSIM:-build/discsim}
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
"$discsim" examples/image_disc.yaml -quiet -output_file "$d/voxels.exo" > /dev/null
"$discsim" examples/image_disc.yaml -quiet -output_file "$d/coarsen_2.exo" -mesh_image_coarsen 2 > /dev/null
/usr/bin/python3 tools/doc_table.py "$d" --transpose --corner "cells" --runs voxels,coarsen_2 --labels "voxels (1),blocks of 2^3 voxels (-mesh_image_coarsen 2)" \
  --row "steady at (h)=time@end|.4g" --row "pO2 NP centre (kPa)=pO2_NP_centre@end|.4g" --row "glucose NP centre (mM)=glucose_NP_centre@end|.4g" \
  --row "lactate NP centre (mM)=lactate_NP_centre@end|.4g" --row "pO2 min (kPa)=pO2_min@end|.3g|loc" --row "glucose min (mM)=glucose_min@end|.3g|loc" \
  --row "glucose influx=glucose_influx@end|.4g" --unit-of glucose_influx
