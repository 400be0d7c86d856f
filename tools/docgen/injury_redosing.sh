#!/usr/bin/env bash
# The re-dosing trade-off of doc/biology.md §9.1 (a generated block: tools/doc_generated.py):
# examples/cell_injection.yaml (degenerate disc, 10^7 BMSCs in 1 mL on day 7, to day 37) run as
# one dose or as three doses of a third each, a week apart (days 7, 14, 21), without and with the
# needle injury (22 G, default track). Prints a markdown table of the figures at 888 h.
set -euo pipefail
cd "$(dirname "$0")/../.."
discsim=$(realpath "${DISCSIM:-build/discsim}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {  # name, options
  "$discsim" examples/cell_injection.yaml -quiet -output_file "$work/$1.exo" -output_csv "$work/$1.csv" "${@:2}" > "$work/$1.log"
}
three="-injection1_dose 3.3333333e6 -injection1_repeat_every 168 -injection1_repeat_count 2"
run one
run one_injured -injection1_injury true
run three $three
run three_injured $three -injection1_injury true
/usr/bin/python3 - "$work" << 'PY'
import csv, sys
work = sys.argv[1]
runs = [("one", "1 dose"), ("one_injured", "1 dose, injury"), ("three", "3 doses"), ("three_injured", "3 doses, injury")]
last, peak = {}, {}
for name, _ in runs:
    rows = list(csv.reader(open("%s/%s.csv" % (work, name))))
    head = [k.split(" [")[0] for k in rows[0]]
    last[name] = dict(zip(head, rows[-1]))
    after = [dict(zip(head, r)) for r in rows[1:] if float(r[0]) > 168]
    peak[name] = {c: max(float(r[c]) for r in after) for c in ("cytokine_NP_mean", "mmp_NP_mean")}
def v(name, col):
    return float(last[name][col]) if col in last[name] else 0.0
def native(name):
    return sum(v(name, "cells_native_" + r) for r in ("NP", "AF", "CEP"))
lines = [
    ("native cells, disc, 888 h", lambda n: "%.6g" % native(n)),
    ("native cells lost to injury vs. without (%)", lambda n: "%.3g" % (100 * (1 - native(n) / native(n.replace("_injured", ""))))),
    ("cells killed by the needles, disc", lambda n: "%.4g" % v(n, "cells_killed_injury_disc")),
    ("viable BMSCs, disc, 888 h", lambda n: "%.4g" % v(n, "cells_injected_disc")),
    ("cytokine added by the needles (1 x mm^3)", lambda n: "%.4g" % (v(n, "cytokine_injected"))),
    ("cytokine, NP mean, highest output after the first dose", lambda n: "%.5g" % peak[n]["cytokine_NP_mean"]),
    ("MMP, NP mean, highest output after the first dose", lambda n: "%.5g" % peak[n]["mmp_NP_mean"]),
    ("cytokine, NP mean, 888 h", lambda n: "%.5g" % v(n, "cytokine_NP_mean")),
    ("MMP, NP mean, 888 h", lambda n: "%.5g" % v(n, "mmp_NP_mean")),
    ("aggrecan, NP mean, 888 h", lambda n: "%.6g" % v(n, "aggrecan_NP_mean")),
]
print("| at 888 h (day 37) | " + " | ".join(label for _, label in runs) + " |")
print("|---" * (len(runs) + 1) + "|")
for label, f in lines:
    print("| %s | %s |" % (label, " | ".join(f(n) for n, _ in runs)))
PY
