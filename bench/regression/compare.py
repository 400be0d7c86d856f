#!/usr/bin/python3
"""Compares two folders written by run_examples.sh: every Exodus variable (element and global, at
every step), every CSV column and every number in the printed summaries (wall times excepted).
Prints the worst relative difference per run and exits 1 if any exceeds RTOL (default 0: bit for
bit). Usage: compare.py REF NEW [RTOL]"""
import csv, math, os, re, sys
import netCDF4
import numpy as np

ref, new = sys.argv[1], sys.argv[2]
rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return math.inf
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-300)
    return float(np.max(np.abs(a - b)) / scale)


def exodus(a, b):
    worst, where = 0.0, ""
    with netCDF4.Dataset(a) as fa, netCDF4.Dataset(b) as fb:
        va, vb = set(fa.variables), set(fb.variables)
        if va != vb:
            return math.inf, "variables differ: %s" % sorted(va ^ vb)
        for name in sorted(va):
            x, y = fa.variables[name][:], fb.variables[name][:]
            if x.dtype.kind not in "fi":
                if not np.array_equal(x, y):
                    return math.inf, "text variable %s differs" % name
                continue
            d = rel(x, y)
            if d > worst:
                worst, where = d, name
    return worst, where


def table(a, b):
    ra, rb = list(csv.reader(open(a))), list(csv.reader(open(b)))
    if ra[0] != rb[0] or len(ra) != len(rb):
        return math.inf, "header or row count differs"
    x = np.array([[float(v) for v in r] for r in ra[1:]])
    y = np.array([[float(v) for v in r] for r in rb[1:]])
    worst, where = 0.0, ""
    for j, name in enumerate(ra[0]):
        d = rel(x[:, j], y[:, j])
        if d > worst:
            worst, where = d, name
    return worst, where


def summary(a, b):
    # the output folders differ by construction: compare the lines without them
    la = [l.replace(os.path.dirname(os.path.abspath(a)), "OUT") for l in open(a) if not l.startswith("wall time")]
    lb = [l.replace(os.path.dirname(os.path.abspath(b)), "OUT") for l in open(b) if not l.startswith("wall time")]
    if len(la) != len(lb):
        return math.inf, "%d lines against %d" % (len(la), len(lb))
    worst, where = 0.0, ""
    for x, y in zip(la, lb):
        if NUM.sub("#", x) != NUM.sub("#", y):
            return math.inf, "text differs: %r / %r" % (x.strip(), y.strip())
        for p, q in zip(NUM.findall(x), NUM.findall(y)):
            p, q = float(p), float(q)
            d = abs(p - q) / max(abs(p), abs(q), 1e-300)
            if d > worst:
                worst, where = d, x.strip()[:60]
    return worst, where


bad = 0
runs = sorted(f[:-4] for f in os.listdir(ref) if f.endswith(".exo"))
for run in runs:
    for ext, fn in ((".exo", exodus), (".csv", table), (".txt", summary)):
        a, b = os.path.join(ref, run + ext), os.path.join(new, run + ext)
        if not os.path.exists(b):
            print("FAIL %-32s %s missing" % (run, ext))
            bad += 1
            continue
        d, where = fn(a, b)
        ok = d <= rtol
        bad += not ok
        print("%-4s %-32s %-4s worst relative difference %-9.2g %s" % ("ok" if ok else "FAIL", run, ext, d, where if d > 0 else ""))
print("%d runs compared, %d differences above %g" % (len(runs), bad, rtol))
sys.exit(1 if bad else 0)
