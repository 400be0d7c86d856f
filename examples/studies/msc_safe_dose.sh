#!/usr/bin/env bash
# The largest safe MSC dose per cell type in a degenerate disc with calcified endplates, and how
# that answer spreads over the uncertain parameters (doc/studies.md, "Example: the largest safe
# MSC dose per cell type").
#   bash examples/studies/msc_safe_dose.sh [N]     (N plausible discs per type, default 30)
# For BMSC, AMSC and NPMSC injected on day 7 into the degenerate disc of examples/cell_injection.yaml
# with CEP diffusivities x 0.25 (calcified endplates; illustrative): the largest dose for which at
# most 1 % of the NP falls below the native cells' glucose threshold during the 30 days after the
# dose (tools/dose_find.py, bisection to 5 %), then the fraction of N plausible discs (every
# documented range varied) in which that dose still keeps the criterion. DISCSIM=path uses that build.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-30}
discsim=${DISCSIM:-build/discsim}
[ -x "$discsim" ] || { bash tools/setup.sh > /dev/null; discsim=build/discsim; }
source tools/env.sh
printf "| cell type | largest safe dose [cells] | members | plausible discs where it holds | 95 %% interval |\n|---|---|---|---|---|\n" > /tmp/msc_safe_dose.$$.md
for type in bmsc amsc npmsc; do
  out=$(/usr/bin/python3 tools/dose_find.py examples/cell_injection.yaml --discsim "$discsim" --key injection1_dose --range 1e5,1e9 \
        --criterion "NP_fraction_glucose_low <= 0.01" --until 37d --rtol 0.05 --uncertain "$n" -- -injection1_what "$type" -bio_CEP_diffusivity_factor 0.25)
  echo "$out" | sed "s/^/$type: /" >&2
  dose=$(echo "$out" | sed -n 's/^answer: -injection1_dose \([0-9.e+]*\).*after \([0-9]*\) members.*/\1 \2/p')
  frac=$(echo "$out" | sed -n 's/.*the criterion holds in \([0-9]*\) (\([0-9]*\) %, 95 % interval \([0-9-]*\) %).*/\1 \2 \3/p')
  set -- $dose $frac
  printf "| %s | %s | %s | %s of %s (%s %%) | %s %% |\n" "${type^^}" "${1:-none}" "${2:-}" "${3:-}" "$n" "${4:-}" "${5:-}" >> /tmp/msc_safe_dose.$$.md
done
cat /tmp/msc_safe_dose.$$.md; rm -f /tmp/msc_safe_dose.$$.md
