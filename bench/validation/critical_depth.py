#!/usr/bin/python3
"""Critical diffusion depth: how far from a supply surface disc cells still get enough glucose.

    /usr/bin/python3 bench/validation/critical_depth.py [--build build] [--plot doc/img/critical_depth.png]

A slab of NP tissue (no CEP) 2 H thick, supplied from both faces (glucose C0, pO2 5.8 kPa,
lactate 0.8 mM), is the diffusion chamber of the in-vitro studies and the 1D picture behind the
"cells can be at most a few mm from a blood supply" estimate. For each cell density rho and supply
C0 the script gives, measured from the nearer face:

- L0: the closed form for zero-order uptake, L0 = sqrt(2 D (C0 - Gth) / (rho q)), with q the
  Bibby et al. 2005 glucose rate at the surface conditions (pH and pO2 of the boundary values)
  and D the NP glucose diffusivity: the depth at which glucose reaches Gth when every cell up to
  it consumes at the surface rate and none beyond it does;
- nutrient: the steady `nutrient` model (Newton): every cell alive and consuming by the Bibby
  laws (slower at lower pH and pO2); the first depth where glucose < Gth or pH < pHth;
- biology: the `biology` model run for DAYS days from uniform healthy cells: cells die below the
  thresholds (glucose 0.5 mM, pH 6.78) and stop consuming; the depth where the viable density falls
  to half its initial value (the viable-cell front a diffusion-chamber experiment reads), with pO2
  and pH there.

Prints one markdown table. That discsim's slab reproduces the zero-order closed form itself (the
parabola C0 - q (2 L x - x^2) / (2 D) behind L0) is checked by tests/test_fv.c (slab_zero_order),
so the table's comparison with L0 measures the kinetics, not the discretisation.
"""
import argparse, math, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import discsim_load  # noqa: E402

G_TH, PH_TH = 0.5, 6.78         # mM, 1: the thresholds of the biology model's natives (doc/biology.md §3)
PO2, LAC0 = 5.8, 0.8            # kPa, mM: the default boundary values
D_GLC = 5e-10 * 1e6 * 3600      # NP glucose diffusivity, m^2/s -> mm^2/h (the default)
H = 20.0                        # mm: half the slab (the largest height the mesh allows is 40 mm)
NZ = 400                        # cells over 2 H: 0.1 mm
DAYS = 30
DENSITIES = [1000, 2000, 4000, 8000, 16000]  # cells/mm^3
SUPPLIES = [4.0, 2.0, 1.0]                   # mM glucose at the faces


def bibby_glucose_rate(ph, p):
    """Bibby et al. 2005 glucose consumption, nmol/(10^6 cells h): half the lactate production."""
    return 0.5 * math.exp(-2.47 + 0.93 * ph + 0.16 * p - 0.0058 * p * p)


def closed_form_depth(rho, c0):
    q = rho * 1e-6 * bibby_glucose_rate(7.4 - LAC0 / 11.11, PO2)  # mM/h
    return math.sqrt(2 * D_GLC * (c0 - G_TH) / q), q


def run(discsim, work, opts):
    out = os.path.join(work, "run.exo")
    cmd = [discsim, "-mesh_type", "slab", "-mesh_height", "%g" % (2 * H), "-mesh_cep_thickness", "0", "-mesh_nz", str(NZ),
           "-output_file", out, "-output_overwrite", "-quiet"] + opts
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("discsim failed (%s): %s" % (" ".join(opts), r.stderr[-400:]))
    f = discsim_load.open_run(out).fields.isel(time=-1)
    half = f.z.values <= H  # the half next to the face at z = 0
    return f.z.values[half], {k: f[k].values[half] for k in f.data_vars}


def crossing(z, y, level, below=True):
    """First depth where y passes level (linear between cell centres); None if it never does."""
    for i in range(len(z)):
        if (y[i] < level) if below else (y[i] > level):
            if i == 0:
                return z[0]
            return z[i - 1] + (z[i] - z[i - 1]) * (y[i - 1] - level) / (y[i - 1] - y[i])
    return None


def fmt(v):
    return "> %.0f" % H if v is None else "%.2f" % v


def interp(z, y, at):
    return float("nan") if at is None else float(__import__("numpy").interp(at, z, y))


def sweep(discsim, work):
    rows = []
    for c0 in SUPPLIES:
        for rho in DENSITIES:
            supply = ["-nutrient_glucose_vertebra", "%g" % c0]
            L0, q = closed_form_depth(rho, c0)
            z, n = run(discsim, work, ["-model", "nutrient", "-nutrient_cells_NP", str(rho), "-time_steady_method", "newton"] + supply)
            dg, dph = crossing(z, n["glucose"], G_TH), crossing(z, n["pH"], PH_TH)
            dn = min([d for d in (dg, dph) if d is not None], default=None)
            z, b = run(discsim, work, ["-model", "biology", "-bio_cells_NP", str(rho), "-bio_glucose_vertebra", "%g" % c0,
                                       "-time_final", "%g" % (24 * DAYS), "-output_times", "%g" % (24 * DAYS)])
            db = crossing(z, b["cells_native"] / rho, 0.5)
            rows.append(dict(c0=c0, rho=rho, q=q, L0=L0, dn=dn, cause="glucose" if dn is not None and dn == dg else "pH",
                             db=db, pO2=interp(z, b["pO2"], db), pH=interp(z, b["pH"], db), zb=z, cells=b["cells_native"] / rho,
                             glc=b["glucose"], zn=z, glc_n=n["glucose"]))
    return rows


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for c0, mark in zip(SUPPLIES, "osd"):
        sel = [r for r in rows if r["c0"] == c0]
        rho = [r["rho"] for r in sel]
        l, = ax[0].plot([r["rho"] for r in sel if r["db"]], [r["db"] for r in sel if r["db"]], mark + "-",
                        label="biology, viable front after %g days, %g mM" % (DAYS, c0))
        ax[0].plot([r["rho"] for r in sel if r["dn"]], [r["dn"] for r in sel if r["dn"]], "--", color=l.get_color(), lw=1,
                   label="nutrient, all cells consuming, %g mM" % c0)
        ax[0].plot(rho, [r["L0"] for r in sel], "k" + mark + ":", mfc="none", label="closed form L0, %g mM" % c0)
    ax[0].axhspan(6, 8, color="0.88", label="6-8 mm from a capillary (Urban et al. 2004)")
    ax[0].set_xscale("log"), ax[0].set_yscale("log")
    ax[0].set_xlabel("cell density (cells/mm$^3$)"), ax[0].set_ylabel("critical depth (mm)")
    ax[0].set_title("depth of viable cells from a supply face")
    ax[0].legend(fontsize=6)
    for r in rows:
        if r["c0"] == 4.0:
            l, = ax[1].plot(r["zb"], r["cells"], label="%d cells/mm$^3$" % r["rho"])
            ax[1].plot(r["zb"], r["glc"] / 4.0, ":", color=l.get_color())
    ax[1].set_xlabel("depth from the supply face (mm)"), ax[1].set_ylabel("viable fraction (solid), glucose / 4 mM (dotted)")
    ax[1].set_title("biology model after %g days, 4 mM supply" % DAYS)
    ax[1].set_xlim(0, H), ax[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    global DAYS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--plot", help="write the figure here (PNG)")
    ap.add_argument("--days", type=float, default=DAYS, help="biology run length [day] (default %(default)s)")
    a = ap.parse_args()
    DAYS = a.days
    discsim = os.path.join(a.build, "discsim")
    with tempfile.TemporaryDirectory() as work:
        rows = sweep(discsim, work)
    print("| glucose supply (mM) | cells/mm³ | surface uptake q (mM/h) | closed form L0 (mm) | nutrient model, all cells consuming (mm) | biology model, viable front after %g days (mm) | pO2 there (kPa) | pH there |" % DAYS)
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        dn = fmt(r["dn"]) + ("" if r["dn"] is None else " (%s)" % r["cause"])
        print("| %g | %d | %.3f | %.2f | %s | %s | %s | %s |" % (r["c0"], r["rho"], r["q"], r["L0"], dn, fmt(r["db"]),
              "—" if r["db"] is None else "%.2f" % r["pO2"], "—" if r["db"] is None else "%.2f" % r["pH"]))
    if a.plot:
        plot(rows, a.plot)


if __name__ == "__main__":
    main()
