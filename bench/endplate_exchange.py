#!/usr/bin/python3
"""Cell viability against the open endplate exchange area (the set-up of Shirazi-Adl et al. 2010).

  /usr/bin/python3 bench/endplate_exchange.py [--discsim build/discsim] [--quick] [--plot FIG.png]
  /usr/bin/python3 bench/endplate_exchange.py --from TABLE.txt --plot FIG.png   (plot a printed table)

Runs examples/endplate_exchange.yaml with the open fraction a of each CEP's area closed either
from the rim inward (open disc r < sqrt(a) R_cep: -endplate_open_outer) or from the centre outward
(open annulus sqrt(1 - a) R_cep < r < R_cep: -endplate_open_inner), and prints, after half a year,
the minimum glucose and the viable fraction of the native cells (cells at the end over cells at
t = 0) in the whole disc and in the NP. --quick: a 40 x 20 grid. Not part of the test suite.
"""
import argparse, csv, math, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRACTIONS = [1.0, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.2, 0.1, 0.05]


def run(discsim, extra, work):
    out = os.path.join(work, "run.exo")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run([discsim, os.path.join(ROOT, "examples", "endplate_exchange.yaml"), "-output_file", out, "-output_overwrite", "-quiet"] + extra,
                   env=env, check=True, capture_output=True, text=True)
    rows = list(csv.reader(open(out[:-4] + ".csv")))
    head = [h.split(" [")[0] for h in rows[0]]
    first, last = [dict(zip(head, map(float, r))) for r in (rows[1], rows[-1])]
    cells = lambda r: r["cells_native_NP"] + r["cells_native_AF"] + r["cells_native_CEP"]
    return last["glucose_min"], last["pH_min"], cells(last) / cells(first), last["cells_native_NP"] / first["cells_native_NP"]


def plot(lines, path):
    """Viable fraction (disc, NP) against the open fraction, one line per closing direction."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [l.split(" | ") for l in lines if l[:1].isdigit()]
    fig, ax = plt.subplots(figsize=(6, 4))
    for side, style in (("rim", "-o"), ("centre", "--s")):
        pts = sorted((float(r[0]), float(r[6]), float(r[7])) for r in rows if r[1] in (side, "-"))
        ax.plot([p[0] for p in pts], [p[2] for p in pts], style, label="NP, closed from the " + side)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, alpha=0.5, label="disc, closed from the " + side)
    ax.axvline(0.4, color="grey", lw=0.8, ls=":", label="onset reported by Shirazi-Adl 2010 (~40 %)")
    ax.set_xlabel("open fraction of each CEP's area [1]")
    ax.set_ylabel("viable fraction of native cells after 0.5 y [1]")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--discsim", default=os.path.join(ROOT, "build", "discsim"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--plot", help="draw the viable fractions into this image")
    ap.add_argument("--from", dest="table", help="plot this printed table instead of running")
    a = ap.parse_args()
    if a.table:
        plot(open(a.table).read().splitlines(), a.plot or "endplate_exchange.png")
        return 0
    grid = ["-mesh_nr", "40", "-mesh_nz", "20"] if a.quick else []
    lines = []
    print("open fraction of the CEP area | closed from | -endplate_open_inner | -endplate_open_outer | glucose_min [mM] | pH_min | viable fraction, disc | viable fraction, NP")
    print("---|---|---|---|---|---|---|---")
    with tempfile.TemporaryDirectory() as work:
        for frac in FRACTIONS:
            for side in ("rim", "centre"):
                if frac == 1.0 and side == "centre":
                    continue
                inner, outer = (0.0, math.sqrt(frac)) if side == "rim" else (math.sqrt(1 - frac), 1.0)
                g, ph, v, vnp = run(a.discsim, grid + ["-endplate_open_inner", "%.6f" % inner, "-endplate_open_outer", "%.6f" % outer], work)
                lines.append("%.2f | %s | %.4f | %.4f | %.4f | %.3f | %.4f | %.4f" % (frac, "-" if frac == 1.0 else side, inner, outer, g, ph, v, vnp))
                print(lines[-1], flush=True)
    if a.plot:
        plot(lines, a.plot)


if __name__ == "__main__":
    sys.exit(main())
