#!/usr/bin/python3
"""Cell and matrix therapies against the nutrient supply, after Zhu et al. 2016 (J Orthop Res).

    /usr/bin/python3 bench/validation/therapy_supply.py [--build build] [--years 10] [--plot doc/img/therapy_supply.png]

Zhu et al. simulated three therapies in the NP of a mildly (80 % viable NP cells) and a severely
(30 %) degenerated disc: more cells (case I), faster GAG synthesis (case II), slower GAG
degradation (case III), at several nutrient levels at the disc boundaries. Here the same two discs
are examples/degeneration_years.yaml (the `biology` model, degenerate preset: calcified CEP, O2
uptake x 3, inflammation, aggrecan 0.6) with `bio_viable_fraction` 0.8 or 0.3, and the glucose and
pO2 boundary values at the vertebrae and the outer AF scaled by a supply fraction f. Therapies:

- case I: NPMSCs (or BMSCs) spread over the whole NP on day 7, doses that add 2 000, 4 000 or
  8 000 cells/mm^3 (0.5, 1 and 2 x the healthy NP density of 4 000; the NP is 5 044 mm^3);
- case II (faster GAG synthesis): a sustained-release depot of rhOP-1 (op1, raises the matrix
  synthesis of every cell by 1 + Emax C/(EC50 + C)) spread over the NP on day 7;
- case III (slower GAG degradation): the same with TIMP-1 (timp1, lowers MMP-mediated degradation
  by 1 - Emax C/(EC50 + C));
  each depot releases with a half-life of 20 years (a lasting change of the rates is assumed; no
  carrier is known to last that long), and its dose per mm^3 of NP is chosen so that
  the free factor starts near 3 x EC50 (h = 0.75): C ~ P k_rel/k_dec with the default 24 h free
  half-life. The default factor potencies are illustrative (doc/biology.md §7a);
- for comparison (a second table, severe disc, full supply): 1e10 BMSC exosomes (cargo raises
  synthesis, lowers MMP production where internalised) every 3 months or every week from day 14,
  and a bolus of 1 mg rhOP-1 (release half-life 1 h) every 3 months.

Zhu et al.'s model has no inflammation: by default the discs here have the preset's cytokine
production off and start at their own stationary aggrecan v / (1 - s + s v) (s = 0.5, the MMP
share; 0.889 mild, 0.462 severe), so that an untreated disc with full supply stays as it is;
--inflammation keeps the preset's cytokine and its aggrecan 0.6.

Prints, after YEARS years, the NP's viable cell density (natives + injected) and its mean aggrecan
(relative to healthy) for each disc, supply and therapy, and the fraction of the NP below the
native glucose threshold.
"""
import argparse, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import discsim_load  # noqa: E402

HOURS_PER_YEAR = 8766.0
REFERENCE = {"glucose": 4.0, "pO2": 5.8}  # the default boundary values (mM, kPa)
DISCS = [("mild (80 % viable)", 0.8), ("severe (30 % viable)", 0.3)]
SUPPLIES = [1.0, 0.7, 0.5, 0.3]
RHO_NP = 4000.0  # cells/mm^3: the healthy NP density
DOSE_RADIUS = ["-injection1_region", "NP", "-injection1_radius", "100"]  # the sphere holds the disc: every NP cell
THERAPIES = [
    ("none", []),
    ("NPMSC +2000/mm³", ["-injection1_what", "npmsc", "-injection1_time", "168", "-injection1_dose", "DOSE2000"] + DOSE_RADIUS),
    ("NPMSC +4000/mm³", ["-injection1_what", "npmsc", "-injection1_time", "168", "-injection1_dose", "DOSE4000"] + DOSE_RADIUS),
    ("NPMSC +8000/mm³", ["-injection1_what", "npmsc", "-injection1_time", "168", "-injection1_dose", "DOSE8000"] + DOSE_RADIUS),
    ("BMSC +4000/mm³", ["-injection1_what", "bmsc", "-injection1_time", "168", "-injection1_dose", "DOSE4000"] + DOSE_RADIUS),
]
# cases II and III: depot release half-life 20 y, starting free level 3 x EC50 (EC50 0.1 and 0.03 ng/mm^3)
DEPOT_HL = 20 * 8766.0
FREE_HL = 24.0
THERAPIES += [
    ("OP-1 depot (case II)", ["-injection1_what", "op1", "-injection1_time", "168", "-injection1_dose", "DOSE%.6g" % (0.3 * DEPOT_HL / FREE_HL),
                              "-bio_op1_release_half_life", "%g" % DEPOT_HL] + DOSE_RADIUS),
    ("TIMP-1 depot (case III)", ["-injection1_what", "timp1", "-injection1_time", "168", "-injection1_dose", "DOSE%.6g" % (0.09 * DEPOT_HL / FREE_HL),
                                 "-bio_timp1_release_half_life", "%g" % DEPOT_HL] + DOSE_RADIUS),
]
EXOSOMES = [("BMSC exosomes every 3 months", "exo_bmsc", "1e10", "2190"), ("BMSC exosomes every week", "exo_bmsc", "1e10", "168"),
            ("rhOP-1 bolus, 1 mg every 3 months", "op1", "1e6", "2190")]
SIGMA = 0.5  # -bio_aggrecan_mmp_share (default)


def untreated_aggrecan(viable):
    """Stationary NP aggrecan of a disc whose natives are at the viable fraction v, without inflammation:
    synthesis v, degradation (1 - sigma + sigma M) with M = v (doc/biology.md §4, §5)."""
    return viable / (1 - SIGMA + SIGMA * viable)


def disc_opts(viable, inflammation):
    opts = ["-bio_viable_fraction", "%g" % viable]
    if not inflammation:  # Zhu et al.'s model has no cytokine; start at the disc's own stationary matrix
        opts += ["-bio_cytokine_production", "0", "-bio_initial_aggrecan", "%.6f" % untreated_aggrecan(viable)]
    return opts


def run(discsim, work, opts):
    out = os.path.join(work, "run.exo")
    r = subprocess.run([discsim, os.path.join(ROOT, "examples", "degeneration_years.yaml"), "-output_file", out,
                        "-output_overwrite", "-quiet"] + opts, capture_output=True, text=True)
    if r.returncode:  # reported in the table: a failed run is a finding, not a reason to stop
        err = r.stderr.strip().splitlines()
        return None, next((e for e in err if "At t =" in e), err[-1] if err else "?")
    return discsim_load.open_run(out), None


def supply_opts(f):
    opts = []
    for side in ("vertebra", "af_outer"):
        for species, ref in REFERENCE.items():
            opts += ["-bio_%s_%s" % (species, side), "%.10g" % (f * ref)]
    return opts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--plot", help="write the figure here (PNG)")
    ap.add_argument("--inflammation", action="store_true", help="keep the degenerate preset's cytokine production and aggrecan 0.6")
    ap.add_argument("--mesh", default="20,10", help="axisymmetric cells nr,nz (default %(default)s; the example's own 30,16 takes 3x longer)")
    a = ap.parse_args()
    discsim = os.path.join(a.build, "discsim")
    tf = a.years * HOURS_PER_YEAR
    nr, nz = a.mesh.split(",")
    times = ["-mesh_nr", nr, "-mesh_nz", nz, "-time_final", "%g" % tf,
             "-output_times", ",".join(["167", "192", "336"] + ["%g" % (720 * k) for k in range(1, 12)]  # the first year monthly
                                       + ["%g" % (k * HOURS_PER_YEAR / 2) for k in range(2, int(2 * a.years) + 1)])]
    rows, curves = [], {}
    with tempfile.TemporaryDirectory() as work:
        v_np = None
        for disc, viable in DISCS:
            for f in SUPPLIES:
                for name, topts in THERAPIES:
                    opts = disc_opts(viable, a.inflammation) + supply_opts(f) + times
                    for t in topts:
                        if t.startswith("DOSE"):
                            t = "%.6g" % (float(t[4:]) * v_np)
                        elif t == "REPEATS":
                            t = str(int((tf - 336) // 2190))
                        opts.append(t)
                    r, err = run(discsim, work, opts)
                    if r is None:
                        t = err.split("At t =")[1].split(",")[0].strip() if "At t =" in err else "?"
                        rows.append([disc, "%.0f %%" % (100 * f), name, "integrator failed at t = %s h" % t] + ["—"] * 5)
                        print("failed: %s: %s" % (" ".join(opts), err), file=sys.stderr)
                        continue
                    if v_np is None:
                        fl = r.fields
                        v_np = float(fl.volume.where(fl.region == "NP").sum())
                    d = r.figures
                    cells = d["cells_native_NP"] + d["cells_injected_NP"]
                    last = d.iloc[-1]
                    rows.append([disc, "%.0f %%" % (100 * f), name, "%.0f" % (cells.iloc[-1] / v_np), "%.0f" % (last["cells_native_NP"] / v_np),
                                 "%.0f" % (last["cells_injected_NP"] / v_np), "%.3f" % d["aggrecan_NP_mean"].iloc[0], "%.3f" % last["aggrecan_NP_mean"],
                                 "%.2f" % last["NP_fraction_glucose_low"]])
                    curves[(viable, f, name)] = (d.index.values / HOURS_PER_YEAR, cells.values / v_np, d["aggrecan_NP_mean"].values)
        exo = []
        for name, what, dose, every in EXOSOMES:
            opts = disc_opts(0.3, a.inflammation) + times + ["-injection1_what", what, "-injection1_time", "336", "-injection1_dose", dose,
                                                              "-injection1_repeat_every", every, "-injection1_repeat_count", str(int((tf - 336) // float(every)))]
            r, err = run(discsim, work, opts)
            exo.append([name, "failed: %s" % err if r is None else "%.4f" % r.figures["aggrecan_NP_mean"].iloc[-1]])
    print("| disc | supply | therapy | NP cells after %g y (cells/mm³) | of which natives | injected | NP aggrecan at the start | after %g y | NP fraction below 0.5 mM glucose |" % (a.years, a.years))
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    untreated = next(row[7] for row in rows if row[0] == DISCS[1][0] and row[1] == "100 %" and row[2] == "none")
    print("| severe disc, full supply, repeated doses | NP aggrecan after %g y |" % a.years)
    print("|---|---|")
    print("| no therapy | %s |" % untreated)
    for row in exo:
        print("| " + " | ".join(row) + " |")
    print()
    print("NP volume %.0f mm^3" % v_np)
    if a.plot:
        plot(curves, a.plot)


def plot(curves, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(3, 2, figsize=(11, 10), sharex=True)
    for col, (disc, viable) in enumerate(DISCS):
        for f, style in zip(SUPPLIES, ["-", "--", "-.", ":"]):
            for name, color in (("none", "k"), ("NPMSC +4000/mm³", "C0"), ("BMSC +4000/mm³", "C3")):
                if (viable, f, name) not in curves:
                    continue
                t, cells, agg = curves[(viable, f, name)]
                label = "%s, supply %.0f %%" % (name, 100 * f)
                ax[0, col].plot(t, cells, style, color=color, label=label)
                ax[1, col].plot(t, agg, style, color=color, label=label)
            for name, color in (("none", "k"), ("OP-1 depot (case II)", "C2"), ("TIMP-1 depot (case III)", "C1")):
                if (viable, f, name) in curves:
                    t, cells, agg = curves[(viable, f, name)]
                    ax[2, col].plot(t, agg, style, color=color, label="%s, supply %.0f %%" % (name, 100 * f))
        ax[0, col].set_title(disc)
        ax[0, col].set_ylabel("NP viable cells (cells/mm$^3$)")
        ax[1, col].set_ylabel("NP aggrecan (1 = healthy)\ncase I: cells")
        ax[2, col].set_ylabel("NP aggrecan (1 = healthy)\ncases II, III: factor depots")
        ax[2, col].set_xlabel("time (years)")
    ax[0, 0].legend(fontsize=6, ncol=2)
    ax[2, 0].legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
