#!/usr/bin/env bash
# Degeneration grades (-disc_grade) and the water-content law of the nutrient diffusivities
# (Mackie-Meares, D/D_w = (phi/(2-phi))^2, relative to the default water content):
#  1. grades 1 and 2 and the water keys at their defaults give today's answers bit for bit;
#  2. the law, by similarity: water contents chosen from the law's closed-form inverse so that
#     every diffusivity halves give the same steady state as the default diffusivities with
#     consumption doubled (D lap u = R(u) / k); any other law fails this;
#  3. a grade sets its tabulated values: -disc_grade 4 equals a run with the
#     tabulated height and cell densities and with the diffusivities of the law's closed form
#     given explicitly as D keys;
#  4. keys given by the user win over the grade;
#  5. the law's logarithmic derivative: the steady-state sensitivity to a region's water content
#     is 4/(2 - phi) times the sum of the sensitivities to its three diffusivities (chain rule).
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
run() { local name=$1; shift; "$discsim" -model nutrient -time_steady -time_steady_method newton -steady_snes_rtol 1e-12 "$@" -output_file "$name.exo" > "$name.txt" 2>&1 || { cat "$name.txt"; echo "FAIL: the run $name failed"; exit 1; }; }
AX=(-mesh_nr 20 -mesh_nz 10)
run ax      "${AX[@]}" -steady_sensitivity
run ax_g1   "${AX[@]}" -disc_grade 1
run ax_g2   "${AX[@]}" -disc_grade 2
# 2. k = 0.5 in every region: phi = 2 s / (1 + s), s = sqrt(k) phi0 / (2 - phi0)
read -r wNP wAF wCEP < <(/usr/bin/python3 -c "
from math import sqrt
inv = lambda p0, k: (lambda s: 2 * s / (1 + s))(sqrt(k) * p0 / (2 - p0))
print('%.17g %.17g %.17g' % (inv(0.8, 0.5), inv(0.7, 0.5), inv(0.6, 0.5)))")
run ax_half "${AX[@]}" -nutrient_water_NP "$wNP" -nutrient_water_AF "$wAF" -nutrient_water_CEP "$wCEP"
run ax_cons "${AX[@]}" -nutrient_oxygen_rate_factor 2 -nutrient_glycolysis_factor 2
# 3. the closed form of the law for the tabulated water contents, as explicit diffusivities
explicit() { /usr/bin/python3 -c "
import sys
mm = lambda p: (p / (2 - p)) ** 2
wNP, wAF = float(sys.argv[1]), float(sys.argv[2])
D = {'oxygen': (1.5e-9, 1.2e-9), 'glucose': (5e-10, 4e-10), 'lactate': (6e-10, 5e-10)}
out = []
for s, (np_, af) in D.items():
    out += ['-nutrient_D_%s_NP' % s, '%.17g' % (np_ * mm(wNP) / mm(0.8)), '-nutrient_D_%s_AF' % s, '%.17g' % (af * mm(wAF) / mm(0.7))]
print(' '.join(out))" "$@"; }
run ax_g4   "${AX[@]}" -disc_grade 4
run ax_x4   "${AX[@]}" $(explicit 0.73 0.66) -mesh_height 9.977 -nutrient_cells_NP 1600 -nutrient_cells_AF 3600
# 4. every key of grade 5 given: the defaults again
run ax_given "${AX[@]}" -disc_grade 5 -mesh_height 11 -nutrient_water_NP 0.8 -nutrient_water_AF 0.7 -nutrient_cells_NP 4000 -nutrient_cells_AF 9000
{
  grep -q "grade 4 (Pfirrmann) set -nutrient_water_NP 0.73, -nutrient_water_AF 0.66, -nutrient_cells_NP 1600" ax_g4.txt && grep -q "grade 4 (Pfirrmann) set -mesh_height 9.977 mm" ax_g4.txt \
    && echo "ok   the run header lists what grade 4 set" || echo "FAIL the run header does not list what grade 4 set"
  /usr/bin/python3 - <<'PY' || echo "FAIL the comparison script stopped with an error"
import csv
last = lambda f: list(csv.DictReader(open(f + ".csv")))[-1]
def figures(row):
    return {k: v for k, v in row.items() if not k.startswith(("time", "wall", "step"))}
def compare(a, b, tol, what):
    try:
        ra, rb = figures(last(a)), figures(last(b))
        keys = [k for k in ra if "centre" in k or "_min" in k or "_stored" in k]
        if tol == 0:
            diff = [k for k in ra if ra[k] != rb[k]]
            print("%-4s %s: %s and %s %s (%d columns)" % ("ok" if not diff and keys else "FAIL", what, a, b, "identical" if not diff else "differ in " + ", ".join(diff[:4]), len(ra)))
            return
        worst = max(abs(float(ra[k]) - float(rb[k])) / max(abs(float(rb[k])), 1e-300) for k in keys)
        print("%-4s %s: %s vs %s, worst relative difference %.2e over %d figures (limit %g)" % ("ok" if worst <= tol else "FAIL", what, a, b, worst, len(keys), tol))
    except Exception as e:
        print("FAIL %s: %s: %s" % (what, type(e).__name__, e))
compare("ax_g1", "ax", 0, "grade 1 = no grade, bit for bit")
compare("ax_g2", "ax", 0, "grade 2 = no grade, bit for bit")
compare("ax_half", "ax_cons", 1e-8, "Mackie-Meares by similarity (axisymmetric)")
compare("ax_g4", "ax_x4", 1e-9, "grade 4 = its tabulated values, D by the closed form")
compare("ax_given", "ax", 0, "grade 5 with every key given = no grade")
try:
    sens = {(r["figure"], r["parameter"]): float(r["normalised [1]"]) for r in csv.DictReader(open("ax.sensitivity.csv"))}
    worst, n = 0.0, 0
    for fig in {f for f, _ in sens}:
        for reg, phi in (("NP", 0.8), ("AF", 0.7), ("CEP", 0.6)):
            chain = 4 / (2 - phi) * sum(sens[(fig, "nutrient_D_%s_%s" % (s, reg))] for s in ("oxygen", "glucose", "lactate"))
            worst, n = max(worst, abs(sens[(fig, "nutrient_water_" + reg)] - chain) / max(abs(chain), 1e-3)), n + 1
    print("%-4s d(figure)/d(water) = 4/(2-phi) x sum of d(figure)/d(D) of the region: worst relative difference %.2e over %d pairs (limit 1e-5)" % ("ok" if worst <= 1e-5 and n else "FAIL", worst, n))
except Exception as e:
    print("FAIL water sensitivity by the chain rule: %s: %s" % (type(e).__name__, e))
PY
} > checks.txt
cat checks.txt
passed=$(grep -c '^ok' checks.txt); failed=$(grep -c '^FAIL' checks.txt)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
