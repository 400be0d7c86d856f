#!/usr/bin/env bash
# Regenerates the therapy figures of doc/img/ (doc/examples.md): runs the three therapy examples
# with examples/run.sh and copies their comparison plots. DISCSIM=path/to/discsim uses that build.
# About 3.5 minutes on a shared 2-core machine. Look at every picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
for ex in cell_injection exosome_dose degeneration_years; do bash examples/run.sh "$ex" > "/dev/null"; done
cp results/cell_injection/cell_types.png doc/img/cell_injection_types.png
cp results/cell_injection/severe.png doc/img/cell_injection_severe.png
cp results/exosome_dose/sources.png doc/img/exosome_sources.png
cp results/exosome_dose/schedule.png doc/img/exosome_schedule.png
cp results/exosome_dose/combined.png doc/img/exosome_combined.png
cp results/degeneration_years/treated_untreated.png doc/img/degeneration_treated_untreated.png
echo "doc/img: cell_injection_types, cell_injection_severe, exosome_sources, exosome_schedule, exosome_combined, degeneration_treated_untreated (.png)"
