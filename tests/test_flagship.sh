#!/usr/bin/env bash
# The flagship example as a user runs it: its NP-centre figures must be physically sensible
# (0 < pO2 < 5.8 kPa, 0 < glucose < 4 mM, 6.5 < pH <= 7.4: between the capillary supply and no
# supply), steady state must be reached, and the balance must close (influx = -reaction).
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$discsim" "$src/examples/healthy_disc.yaml" -output_file "$work/h.exo" -quiet > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
cat "$work/out.txt"
grep -q "steady state reached" "$work/out.txt" || { echo "FAIL: no steady state"; exit 1; }
python3 - "$work/h.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = rows[-1]
get = lambda k: float(last[k])
checks = [
  ("0 < pO2_NP_centre < 5.8 kPa", 0 < get("pO2_NP_centre [kPa]") < 5.8),
  ("0 < glucose_NP_centre < 4 mM", 0 < get("glucose_NP_centre [mM]") < 4),
  ("6.5 < pH_NP_centre <= 7.4", 6.5 < get("pH_NP_centre") <= 7.4),
  ("glucose min <= centre", get("glucose_min [mM]") <= get("glucose_NP_centre [mM]")),
]
for sp in ("oxygen", "glucose", "lactate"):
  i, r = get(sp + "_influx [nmol/h]"), get(sp + "_reaction [nmol/h]")
  checks.append((sp + " influx = -reaction (1e-5)", abs(i + r) <= 1e-5 * abs(i)))
failed = [n for n, ok in checks if not ok]
for n, ok in checks: print(("ok   " if ok else "FAIL ") + n)
print("%d passed, %d failed" % (len(checks) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
PY
