#!/usr/bin/python3
"""SIGKILL trials: how much of a run survives kill -9, and whether -restart recovers all of it.

Usage: bench/reliability/kill_trials.py [--trials N] [--seed S] [--ranks R] [--discsim PATH]

Runs the exosome example (a dose on day 7, 60 days, outputs every 12 h, a checkpoint every 2
simulated days) once uninterrupted as the reference, then N times killed with SIGKILL at a random
moment and continued with -restart (on one rank). For each trial it reports whether the partial
Exodus file left by the kill opens, how many of its steps differ from the reference (a step being
written when the kill came), the time of the checkpoint, and after the restart whether the result
has every reference step exactly once and how far it is from the reference (worst difference
relative to each variable's largest value, tests/exodus_compare). Prints a Markdown table and
a summary (doc/reliability.md quotes it).
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import netCDF4
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "exosome_dose.yaml")
COMMON = ["-quiet", "-checkpoint_interval", "48"]


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def steps_of(path):
    """Times and element/global values of every step, or None if the file does not open."""
    try:
        with netCDF4.Dataset(path) as d:
            t = np.array(d.variables["time_whole"][:])
            vals = {n: np.array(v[:]) for n, v in d.variables.items() if n.startswith("vals_")}
            return t, vals
    except Exception:  # any failure to read is what this bench counts
        return None


def damaged_steps(partial, ref):
    """Steps of the partial file that differ from the reference's (bitwise) or are not finite."""
    t, vals = partial
    tr, vr = ref
    bad = 0
    for k in range(len(t)):
        same = k < len(tr) and t[k] == tr[k] and all(np.array_equal(v[k], vr[n][k]) for n, v in vals.items())
        bad += 0 if same else 1
    return bad


def worst_difference(compare, a, b):
    out = run([compare, a, b, "1"]).stdout.splitlines()
    rows = [l.split() for l in out if l and not l.startswith("kind") and len(l.split()) >= 4]
    vals = []
    for r in rows:
        try:
            vals.append(float(r[2]))
        except ValueError:
            pass
    return max(vals) if vals else float("nan")


def trial(k, args, work, ref, runtime):
    name = os.path.join(work, "k%d.exo" % k)
    base = [args.discsim, EXAMPLE, "-output_file", name] + COMMON
    if args.ranks > 1:
        base = ["mpiexec", "-n", str(args.ranks)] + base
    delay = random.uniform(0.02, 0.98) * runtime
    p = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    stem = name[:-4]
    created = os.path.exists(stem + ".partial.exo")
    if not created and os.path.exists(name):  # the run finished before the kill came
        for f in (name, stem + ".csv"):
            os.remove(f)
        return {"kill_s": delay, "readable": "run had finished", "steps": 0, "damaged": 0, "cp_t": float("nan"), "restart": "-", "worst": float("nan")}
    partial = steps_of(stem + ".partial.exo") if created else None
    cp = stem + ".checkpoint.nc"
    row = {"kill_s": delay, "readable": "not yet created" if not created else "yes" if partial is not None else "NO", "steps": len(partial[0]) if partial else 0,
           "damaged": damaged_steps(partial, ref) if partial else 0, "cp_t": float("nan"), "restart": "-", "worst": float("nan")}
    if os.path.exists(cp):
        with netCDF4.Dataset(cp) as d:
            row["cp_t"] = float(d.variables["position"][0])
        r = run([args.discsim, EXAMPLE, "-output_file", name, "-restart", cp] + COMMON)
        res = steps_of(name)
        ok = r.returncode == 0 and res is not None and np.array_equal(res[0], ref[0])
        row["restart"] = "ok" if ok else "FAILED"
        if res is not None:
            row["worst"] = worst_difference(args.compare, os.path.join(work, "ref.exo"), name)
    else:
        row["restart"] = "no checkpoint yet"
    for f in (name, stem + ".csv", stem + ".partial.exo", stem + ".partial.csv", cp):
        if os.path.exists(f):
            os.remove(f)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ranks", type=int, default=1, help="ranks of the killed runs (the restart uses 1)")
    ap.add_argument("--discsim", default=os.path.join(ROOT, "build", "discsim"))
    ap.add_argument("--compare", default=None, help="tests/exodus_compare binary (default: beside discsim, in tests/)")
    args = ap.parse_args()
    args.discsim = os.path.abspath(args.discsim)
    args.compare = args.compare or os.path.join(os.path.dirname(args.discsim), "tests", "exodus_compare")
    random.seed(args.seed)
    work = tempfile.mkdtemp(prefix="discsim-kill-")
    try:
        start = time.time()
        r = run([args.discsim, EXAMPLE, "-output_file", os.path.join(work, "ref.exo")] + COMMON)
        if r.returncode:
            sys.exit("reference run failed:\n" + r.stdout)
        runtime = time.time() - start
        ref = steps_of(os.path.join(work, "ref.exo"))
        print("reference: %d steps in %.1f s; %d trials, %d rank(s), seed %d\n" % (len(ref[0]), runtime, args.trials, args.ranks, args.seed))
        print("| trial | killed after (s) | partial file opens | steps in it | steps differing | checkpoint t (h) | restart | worst rel. difference |")
        print("|---|---|---|---|---|---|---|---|")
        rows = []
        for k in range(args.trials):
            row = trial(k, args, work, ref, runtime)
            rows.append(row)
            print("| %d | %.2f | %s | %d | %d | %.1f | %s | %.1e |" % (k + 1, row["kill_s"], row["readable"], row["steps"], row["damaged"], row["cp_t"], row["restart"], row["worst"]))
        unreadable = sum(1 for r in rows if r["readable"] == "NO")
        worst_lost = max(r["damaged"] for r in rows)
        restarted = [r for r in rows if r["restart"] == "ok"]
        failed = [r for r in rows if r["restart"] == "FAILED"]
        print("\nsummary: %d trials, %d unreadable partial files, at most %d step(s) damaged by a kill, %d restarts complete with every step, %d failed; worst difference after a restart %.1e"
              % (len(rows), unreadable, worst_lost, len(restarted), len(failed), max([r["worst"] for r in restarted] or [float("nan")])))
        sys.exit(1 if unreadable or failed or worst_lost > 1 else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
