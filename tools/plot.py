#!/usr/bin/python3
"""Plots discsim results with matplotlib (Debian's python3-matplotlib and python3-netcdf4).

Time series of global figures, from one or more CSV files (one line per file and column):
  /usr/bin/python3 tools/plot.py series RUN.csv [RUN2.csv ...] -c glucose_NP_centre -c pH_NP_centre
      [--labels A,B] [--days | --years] [--logy] [--relative-to-first] -o out.png

Profiles of a cell field along a line through the disc, from an Exodus file (one line per time):
  /usr/bin/python3 tools/plot.py profile RUN.exo -f glucose_mM --along z [--at 0] [--times 0,24,last] -o out.png
  (--along z: up the height at radius/x = --at mm; --along r (or x): across at height --at mm,
   default mid-height; y = 0 in 3D)

Every axis is labelled with its unit (taken from the column or variable name).
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

TIME_SCALE = {"h": (1.0, "time [h]"), "days": (1 / 24.0, "time [days]"), "years": (1 / 8766.0, "time [years]")}


def read_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit("plot: %s has no data rows" % path)
    return rows


def find_column(row, name, required=True):
    """The CSV column 'name' or 'name [unit]' (None when absent and not required)."""
    for key in row:
        if key == name or key.startswith(name + " ["):
            return key
    if required:
        sys.exit("plot: no column '%s'; available: %s" % (name, ", ".join(row)))
    return None


def series(args):
    scale, xlabel = TIME_SCALE["years" if args.years else "days" if args.days else "h"]
    labels = args.labels.split(",") if args.labels else [os.path.splitext(os.path.basename(p))[0] for p in args.files]
    fig, ax = plt.subplots(figsize=(8, 5))
    for path, label in zip(args.files, labels):
        rows = read_csv(path)
        t = np.array([float(r["time_h"]) for r in rows]) * scale
        found = [find_column(rows[0], name, required=False) for name in args.columns]
        if not any(found):
            sys.exit("plot: none of %s in %s" % (", ".join(args.columns), path))
        for key in filter(None, found):  # runs may differ in their columns (e.g. populations)
            y = np.array([float(r[key]) for r in rows])
            if args.relative_to_first and y[0] != 0:
                y = y / y[0]
            ax.plot(t, y, marker="." if len(t) < 40 else None, label="%s: %s" % (label, key) if len(args.files) > 1 else key)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(args.ylabel or ("relative to t = 0" if args.relative_to_first else ", ".join(args.columns)))
    if args.logy:
        ax.set_yscale("log")
    if args.ymin is not None:
        ax.set_ylim(bottom=args.ymin)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(args.title or "discsim: " + ", ".join(labels))
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print("plot: wrote", args.output)


def exodus_cells(ds):
    """Cell centroids (x, y, z) in mm over all element blocks, in element order."""
    coords = [np.array(ds.variables[n][:]) for n in ("coordx", "coordy", "coordz") if n in ds.variables]
    cents = []
    nblk = len(ds.dimensions["num_el_blk"])
    for b in range(1, nblk + 1):
        conn = np.array(ds.variables["connect%d" % b][:]) - 1
        cents.append(np.stack([c[conn].mean(axis=1) for c in coords], axis=1))
    return np.concatenate(cents), nblk


def exodus_field(ds, name, step, nblk):
    names = [bytes(np.array(r).tobytes()).decode().rstrip("\x00 ") for r in ds.variables["name_elem_var"][:]]
    if name not in names:
        sys.exit("plot: no cell field '%s'; available: %s" % (name, ", ".join(names)))
    v = names.index(name) + 1
    return np.concatenate([np.array(ds.variables["vals_elem_var%deb%d" % (v, b)][step]) for b in range(1, nblk + 1)])


def profile(args):
    from netCDF4 import Dataset

    ds = Dataset(args.file)
    cents, nblk = exodus_cells(ds)
    times = np.array(ds.variables["time_whole"][:])
    dim = cents.shape[1]
    # physical layout of the file: slab/axisymmetric (x = 0..r, y = z), 3D (x, y, z)
    zcol = 2 if dim == 3 else 1
    if args.along == "z":
        at = args.at if args.at is not None else 0.0
        xs = cents[:, 0]
        near = np.abs(xs - at)
        select = near <= near.min() + 1e-9
        if dim == 3:
            ny = np.abs(cents[:, 1])
            select &= ny <= ny[select].min() + 1e-9
        pos, xlabel = cents[:, zcol], "height z [mm]"
    else:
        zs = cents[:, zcol]
        at = args.at if args.at is not None else 0.5 * (zs.min() + zs.max())
        near = np.abs(zs - at)
        select = near <= near.min() + 1e-9
        if dim == 3:
            ny = np.abs(cents[:, 1])
            select &= ny <= ny[select].min() + 1e-9
        pos, xlabel = cents[:, 0], ("x [mm]" if dim == 3 else "radius r [mm]")
    order = np.argsort(pos[select])
    steps = []
    for token in (args.times or "0,last").split(","):
        if token == "last":
            steps.append(len(times) - 1)
        else:
            steps.append(int(np.argmin(np.abs(times - float(token)))))
    fig, ax = plt.subplots(figsize=(8, 5))
    for s in steps:
        vals = exodus_field(ds, args.field, s, nblk)[select][order]
        ax.plot(pos[select][order], vals, marker=".", label="t = %.4g h" % times[s])
    ax.set_xlabel(xlabel)
    unit = args.field.rsplit("_", 1)[1] if "_" in args.field else "1"
    ax.set_ylabel("%s [%s]" % (args.field, unit))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(args.title or "%s along %s at %.3g mm" % (os.path.basename(args.file), args.along, at))
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print("plot: wrote", args.output)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("series", help="time series of CSV columns")
    s.add_argument("files", nargs="+")
    s.add_argument("-c", "--column", dest="columns", action="append", required=True)
    s.add_argument("--labels")
    s.add_argument("--days", action="store_true")
    s.add_argument("--years", action="store_true")
    s.add_argument("--logy", action="store_true")
    s.add_argument("--relative-to-first", action="store_true")
    s.add_argument("--ymin", type=float, help="lower end of the y axis (e.g. to hide values below the solver's absolute tolerance on a log scale)")
    s.add_argument("--ylabel")
    s.add_argument("--title")
    s.add_argument("-o", "--output", required=True)
    p = sub.add_parser("profile", help="a cell field along a line, from an Exodus file")
    p.add_argument("file")
    p.add_argument("-f", "--field", required=True)
    p.add_argument("--along", choices=["z", "r", "x"], default="z")
    p.add_argument("--at", type=float)
    p.add_argument("--times")
    p.add_argument("--title")
    p.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    series(args) if args.what == "series" else profile(args)


if __name__ == "__main__":
    main()
