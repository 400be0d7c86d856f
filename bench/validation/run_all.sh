#!/usr/bin/env bash
# Regenerates the comparisons with published results of doc/validation.md (not part of the test
# suite: about 25 minutes on 2 cores, most of it the endplate sweep and the therapy sweep).
#   bash bench/validation/run_all.sh [--quick]     (--quick: the endplate sweep on a 40 x 20 grid)
# Prints each table and writes the figures doc/img/critical_depth.png and doc/img/therapy_supply.png;
# doc/validation.md quotes them (its generated blocks rerun the tables:
# /usr/bin/python3 tools/doc_generated.py --all doc/validation.md). DISCSIM_BUILD=dir uses that build.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${DISCSIM_BUILD:-build}
[ -x "$build/discsim" ] || { bash tools/setup.sh > /dev/null; build=build; }
source tools/env.sh
echo "## Zhu et al. 2016: onset of cell death with reduced supply (glucose and O2 lowered)"
/usr/bin/python3 bench/validation/supply_onset.py --build "$build"
echo
echo "## the same with only glucose lowered"
/usr/bin/python3 bench/validation/supply_onset.py --build "$build" --species glucose
echo
echo "## Shirazi-Adl et al. 2010: viability against the open endplate area"
/usr/bin/python3 bench/endplate_exchange.py --discsim "$build/discsim" ${1:-}
echo
echo "## in-vitro responses of the cell types (tests/test_cells.c)"
"$build/tests/test_cells" 2>&1 | grep -E "switch|Checks"
echo
echo "## critical diffusion depth from a supply face (slab)"
/usr/bin/python3 bench/validation/critical_depth.py --build "$build" --plot doc/img/critical_depth.png
echo
echo "## Zhu et al. 2016 (J Orthop Res): cell therapy against the nutrient supply"
/usr/bin/python3 bench/validation/therapy_supply.py --build "$build" --plot doc/img/therapy_supply.png
