#!/usr/bin/python3
"""How far runs are from a reference run of the same scenario (e.g. at tighter tolerances):
per CSV, the worst relative deviation over all output times and columns, and where.

Usage: deviation.py REF.csv RUN.csv [RUN.csv ...]

A column's deviation is max |run - ref| over the output times divided by max |ref| of that
column. Locations of minima (*_at_x/y/z) are skipped (they jump between cells), and so are
columns that are zero in the reference throughout. Persistence columns (time below a fraction of
the dose, half-life, residence; -1 until reached) are compared where both runs reached them; a
time reached in one run only is reported. Printed: the worst column overall and the worst among
dose-persistence columns, which depend most on the exosome species' tolerances.
"""
import sys
import numpy as np
import pandas as pd


def deviations(ref, run):
    rows = []
    for col in ref.columns:
        if col == "time_h" or "_at_" in col:
            continue
        a, b = ref[col].to_numpy(float), run[col].to_numpy(float)
        persistence = any(s in col for s in ("_below_", "_half_life", "_residence"))
        if persistence:
            both = (a >= 0) & (b >= 0)
            if np.any((a >= 0) != (b >= 0)):
                rows.append((col, np.inf, True))
                continue
            a, b = a[both], b[both]
        scale = np.max(np.abs(a)) if a.size else 0
        if scale == 0:
            continue
        rows.append((col, float(np.max(np.abs(a - b)) / scale), persistence))
    return rows


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref = pd.read_csv(sys.argv[1])
    print("| run | worst deviation | where | worst dose-persistence deviation | where |")
    print("|---|---|---|---|---|")
    for path in sys.argv[2:]:
        run = pd.read_csv(path)
        if list(run.columns) != list(ref.columns) or len(run) != len(ref) or not np.allclose(run["time_h"], ref["time_h"]):
            sys.exit("%s: other columns or output times than %s" % (path, sys.argv[1]))
        rows = deviations(ref, run)
        worst = max(rows, key=lambda r: r[1])
        pers = [r for r in rows if r[2]]
        wp = max(pers, key=lambda r: r[1]) if pers else ("-", float("nan"), True)
        print("| %s | %.2g | %s | %.2g | %s |" % (path, worst[1], worst[0], wp[1], wp[0]))


if __name__ == "__main__":
    main()
