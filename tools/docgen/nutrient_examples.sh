#!/usr/bin/env bash
# Tables of the nutrient examples' key figures for doc/ (generated blocks: tools/doc_generated.py).
#   bash tools/docgen/nutrient_examples.sh examples|running|balance
# Runs healthy_disc, calcified_endplate, slab and disc3d as they are (to steady state) with
# $DISCSIM (default build/discsim) and prints the markdown table that page quotes.
set -euo pipefail
cd "$(dirname "$0")/../.."
discsim=${DISCSIM:-build/discsim}
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
runs=healthy_disc,calcified_endplate,slab,disc3d
for n in ${runs//,/ }; do "$discsim" "examples/$n.yaml" -quiet -output_file "$d/$n.exo" > /dev/null; done
table() { /usr/bin/python3 tools/doc_table.py "$d" --transpose --corner example --runs "$runs" "$@"; }
case ${1:-} in
examples)
  table --row "steady at (h)=time@end|.6g" --row "pO2 NP centre (kPa)=pO2_NP_centre@end|.6g" --row "glucose NP centre (mM)=glucose_NP_centre@end|.6g" \
    --row "lactate NP centre (mM)=lactate_NP_centre@end|.6g" --row "pH NP centre=pH_NP_centre@end|.6g" --row "glucose min (mM)=glucose_min@end|.6g|loc" ;;
running)
  table --row "pO2 NP centre (kPa)=pO2_NP_centre@end|.5g" --row "glucose NP centre (mM)=glucose_NP_centre@end|.5g" --row "lactate NP centre (mM)=lactate_NP_centre@end|.5g" \
    --row "pH NP centre=pH_NP_centre@end|.5g" --row "pO2 min (kPa) at=pO2_min@end|.5g|loc" --row "glucose min (mM) at=glucose_min@end|.5g|loc" --row "pH min at=pH_min@end|.5g|loc" ;;
balance)
  table --row "O2 influx=oxygen_influx@end|.5g" --row "glucose influx=glucose_influx@end|.5g" --row "lactate influx=lactate_influx@end|.5g" \
    --row "O2 reaction=oxygen_reaction@end|.5g" --row "glucose reaction=glucose_reaction@end|.5g" --row "lactate reaction=lactate_reaction@end|.5g" --unit-of glucose_influx ;;
*) echo "usage: $0 examples|running|balance" >&2; exit 2 ;;
esac
