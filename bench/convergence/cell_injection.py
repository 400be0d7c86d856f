#!/usr/bin/python3
"""Mesh convergence of the cell_injection example's key figures (doc/meshes.md).

    /usr/bin/python3 bench/convergence/cell_injection.py [--build build]

Runs examples/cell_injection.yaml on 20x10, 40x20 (its default), 80x40 and 160x80 axisymmetric
cells and prints per figure the values, the observed order from the three finest grids and the
error of the 40x20 and 80x40 values against the Richardson extrapolation (or the finest value
when the differences do not decrease monotonically). About 4 minutes on 2 cores.
"""
import argparse, math, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import discsim_load  # noqa: E402


def figures(d):
    after = d.index >= 168
    return {"lowest glucose_min after the dose [mM]": d.loc[after, "glucose_min"].min(),
            "glucose_NP_centre at 192 h [mM]": d.loc[192, "glucose_NP_centre"],
            "cells_injected_disc at 888 h [cells]": d["cells_injected_disc"].iloc[-1],
            "mmp_NP_mean at 888 h": d["mmp_NP_mean"].iloc[-1],
            "lowest pH_min after the dose": d.loc[after, "pH_min"].min()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = ap.parse_args()
    grids = [(20, 10), (40, 20), (80, 40), (160, 80)]
    Q = {}
    with tempfile.TemporaryDirectory() as work:
        for nr, nz in grids:
            out = os.path.join(work, "c%d.exo" % nr)
            subprocess.run([os.path.join(a.build, "discsim"), os.path.join(ROOT, "examples", "cell_injection.yaml"), "-mesh_nr", str(nr), "-mesh_nz", str(nz),
                            "-output_file", out, "-quiet"], check=True, capture_output=True)
            Q[nr] = figures(discsim_load.load_csv(out[:-4] + ".csv").figures)
    print("| figure | 20x10 | 40x20 (default) | 80x40 | 160x80 | observed order | error 40x20 | error 80x40 |")
    print("|---|---|---|---|---|---|---|---|")
    for k in Q[20]:
        a_, b, c = Q[40][k], Q[80][k], Q[160][k]
        ratio = (a_ - b) / (b - c) if b != c else float("nan")
        p = math.log(ratio) / math.log(2) if ratio > 1 else float("nan")
        ref = c + (c - b) / (2 ** p - 1) if p == p else c
        print("| %s | %.6g | %.6g | %.6g | %.6g | %s | %.2f %% | %.2f %% |" % (k, Q[20][k], a_, b, c, "%.1f" % p if p == p else "not monotone",
                                                                        100 * abs(a_ - ref) / abs(ref), 100 * abs(b - ref) / abs(ref)))


if __name__ == "__main__":
    main()
