#!/usr/bin/python3
"""Onset of nutrient failure under reduced supply, against Zhu et al. 2016 (Spine).

    /usr/bin/python3 bench/validation/supply_onset.py [--build build] [--scenario examples/healthy_disc.yaml]

Zhu et al. lowered the nutrient level (glucose and oxygen) at the disc boundaries through the
CEP-NP pathway only (case 1), the AF pathway only (case 2) and both (case 3) and found the
critical levels below which cells die and the disc degenerates: about 30 %, 20 % and 50 % of the
reference values. Here discsim's steady nutrient field (Newton) of the scenario is computed with
the vertebral values (case 1), the outer-AF values (case 2) or both (case 3) of glucose and pO2
scaled by a fraction f, and f is bisected for the onset of cell death by the thresholds of the
same model lineage: glucose below 0.5 mM or pH below 6.78, anywhere in the disc (the first cell
to die) or at the NP centre (the core of the nucleus), with healthy cell densities (no death yet:
the onset). Prints one line per case: the published level, discsim's two onset fractions (and
which threshold is crossed) and their ratios to the published level.
"""
import argparse, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import discsim_load  # noqa: E402

G_TH, PH_TH = 0.5, 6.78  # mM; the thresholds of Zhu et al.'s model lineage
CASES = [("1: CEP-NP pathway only", ["vertebra"], 0.30), ("2: AF pathway only", ["af_outer"], 0.20), ("3: both pathways", ["vertebra", "af_outer"], 0.50)]
REFERENCE = {"glucose": 4.0, "pO2": 5.8}  # the defaults (mM, kPa)
SPECIES = list(REFERENCE)  # which boundary values are lowered (--species)


def fails(discsim, scenario, work, sides, f, extra, where="min"):
    opts = []
    for side in sides:
        for species, ref in REFERENCE.items():
            if species not in SPECIES:
                continue
            opts += ["-nutrient_%s_%s" % (species, side), "%.10g" % (f * ref)]
    out = os.path.join(work, "run.exo")
    r = subprocess.run([discsim, scenario, "-time_steady_method", "newton", "-output_file", out, "-output_overwrite", "-quiet"] + opts + extra,
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("discsim failed at f = %g: %s" % (f, r.stderr[-400:]))
    d = discsim_load.load_csv(os.path.splitext(out)[0] + ".csv").figures
    g, ph = d["glucose_" + where].iloc[-1], d["pH_" + where].iloc[-1]
    return g < G_TH or ph < PH_TH, g, ph


def onset(discsim, scenario, work, sides, extra, where, tol=1e-3):
    lo, hi = 0.0, 1.0  # fails at lo, holds at hi
    if fails(discsim, scenario, work, sides, hi, extra, where)[0]:
        return None
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if fails(discsim, scenario, work, sides, mid, extra, where)[0]:
            lo = mid
        else:
            hi = mid
    return hi, fails(discsim, scenario, work, sides, hi, extra, where)[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--scenario", default=os.path.join(ROOT, "examples", "healthy_disc.yaml"))
    ap.add_argument("--species", default="glucose,pO2", help="boundary values lowered: glucose, pO2 or both (default)")
    ap.add_argument("extra", nargs="*", help="more discsim options (after --)")
    a = ap.parse_args()
    SPECIES[:] = a.species.split(",")
    discsim = os.path.join(a.build, "discsim")
    print("| Zhu et al. 2016 case | published critical level | discsim: first cell anywhere below a threshold | ratio | discsim: the NP centre below a threshold | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name, sides, published in CASES:
            cells = [name, "%.0f %%" % (100 * published)]
            for where in ("min", "NP_centre"):
                res = onset(discsim, a.scenario, work, sides, a.extra, where)
                if res is None:
                    cells += ["fails at the reference level", "—"]
                    continue
                f, (g, ph) = res
                if f <= 2e-3:
                    cells += ["none down to 0.2 %", "—"]
                    continue
                cause = "glucose" if g - G_TH < (ph - PH_TH) * 11.11 else "pH"
                cells += ["%.1f %% (%s)" % (100 * f, cause), "%.2f" % (f / published)]
            print("| " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
