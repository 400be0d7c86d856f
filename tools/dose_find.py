#!/usr/bin/python3
"""Dose-finding: the largest (or smallest) value of one input key for which a criterion on a key
figure holds, by bracketing and bisection; and, for that value, in what fraction of plausible
discs it holds.

    tools/dose_find.py SCENARIO.yaml --key injection1_dose --range 1e6,1e8 \\
        --criterion "glucose_min >= 0.5" [--over min|max|end] [--until 30d] \\
        [--smallest] [--rtol 0.02] [--linear] [--uncertain N] [--discsim PATH] [-- KEY VALUE ...]

The criterion compares one column of the run's CSV (a key figure, e.g. glucose_min, pH_NP_centre,
cells_injected_disc) with a number, after reducing it over the run up to --until (default: the
whole run): its minimum (the default: "stays above"), its maximum ("stays below") or its last
value. The key is varied in log space unless --linear. The answer is the last value that passed,
to the relative tolerance --rtol; every member run is listed. The criterion must change only once
over the range (a dose that is safe up to a limit): both ends are run first, and a range over
which the answer does not change is reported as such.

--uncertain N then runs a Latin hypercube of N discs over every documented plausible range of the
model (discsim-study, `uncertain: true`) at the value found and reports the fraction of them in
which the criterion holds, with its 95 % Wilson interval. There each disc's figure is reduced over
up to 30 output times up to --until (discsim-study records values at given times): every output
time when there are no more, else the time of the extreme in the run at the answer, the last
time and others evenly spread. Extra discsim keys after `--` apply to
every run. Exit status 0 when an answer was found, 1 when the criterion holds or fails over the
whole range, 2 on bad input.
"""
import argparse
import math
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
UNITS = {"h": 1.0, "d": 24.0, "w": 168.0, "y": 8766.0}


def hours(text):
    m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([hdwy]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError("'%s' is not a time: give a number of hours, or with a unit h, d, w or y (e.g. 30d)" % text)
    return float(m.group(1)) * UNITS[m.group(2) or "h"]


def parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario")
    ap.add_argument("--key", required=True, help="the input key to vary, without '-' (e.g. injection1_dose)")
    ap.add_argument("--range", required=True, help="LOW,HIGH: the values to search between (the key's unit)")
    ap.add_argument("--criterion", required=True, help="'FIGURE OP NUMBER', OP one of >= <= > <")
    ap.add_argument("--over", choices=["min", "max", "end"], default=None, help="reduce the figure over the run (default: min for >=, >; max for <=, <)")
    ap.add_argument("--until", type=hours, default=None, help="only up to this time (h, or with a unit: 30d)")
    ap.add_argument("--smallest", action="store_true", help="the smallest passing value instead of the largest")
    ap.add_argument("--rtol", type=float, default=0.02, help="relative tolerance of the answer (default 0.02)")
    ap.add_argument("--linear", action="store_true", help="bisect in the value, not its logarithm")
    ap.add_argument("--uncertain", type=int, default=0, help="then the fraction of N plausible discs in which the answer holds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--discsim", default=os.path.join(ROOT, "build", "discsim"))
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    a.extra = extra  # discsim keys for every run, after --
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<=|>|<)\s*([0-9.eE+-]+)\s*", a.criterion)
    if not m:
        ap.error("--criterion '%s': give 'FIGURE OP NUMBER', e.g. 'glucose_min >= 0.5'" % a.criterion)
    a.figure, a.op, a.threshold = m.group(1), m.group(2), float(m.group(3))
    a.over = a.over or ("min" if a.op in (">=", ">") else "max")
    try:
        a.lo, a.hi = (float(v) for v in a.range.split(","))
    except ValueError:
        ap.error("--range '%s': give LOW,HIGH" % a.range)
    if not (a.lo < a.hi) or (not a.linear and a.lo <= 0):
        ap.error("--range %g,%g: LOW must be below HIGH%s" % (a.lo, a.hi, "" if a.linear else ", both positive (log search; --linear otherwise)"))
    if not 0 < a.rtol < 1:
        ap.error("--rtol %g: allowed (0, 1)" % a.rtol)
    for p in (a.scenario, a.discsim):
        if not os.path.exists(p):
            ap.error("no such file: %s" % p)
    return a


def figure_of(csv_path, figure, over, until):
    with open(csv_path) as f:
        header = f.readline().rstrip("\n").split(",")
        names = [h.split(" [")[0] for h in header]
        if figure not in names:
            raise SystemExit("dose_find: the runs have no key figure '%s' (they have: %s)" % (figure, " ".join(names[1:])))
        k = names.index(figure)
        rows = [list(map(float, line.split(","))) for line in f if line.strip()]
    kept = [(r[0], r[k]) for r in rows if until is None or r[0] <= until * (1 + 1e-12)]
    if not kept:
        raise SystemExit("dose_find: no output time up to --until")
    values = [v for _, v in kept]
    return {"min": min, "max": max, "end": lambda v: v[-1]}[over](values), kept


class Member:
    count = 0
    series = {}  # value -> [(time h, figure)] of that member, up to --until


def run(a, work, value):
    Member.count += 1
    out = os.path.join(work, "m%d.exo" % Member.count)
    cmd = [a.discsim, a.scenario, "-" + a.key, repr(value), "-output_file", out, "-quiet"] + a.extra
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if r.returncode:
        err = [l for l in r.stdout.splitlines() if "error" in l]
        raise SystemExit("dose_find: the run with -%s %g failed: %s" % (a.key, value, err[-1] if err else r.stdout[-300:]))
    q, series = figure_of(out[:-4] + ".csv", a.figure, a.over, a.until)
    Member.series[value] = series
    ok = OPS[a.op](q, a.threshold)
    print("  member %2d: -%s %-12.6g %s %s = %.6g  %s" % (Member.count, a.key, value, a.over, a.figure, q, "passes" if ok else "fails"), flush=True)
    for ext in (".exo", ".csv"):
        os.remove(out[:-4] + ext)
    return ok


def middle(a, lo, hi):
    return 0.5 * (lo + hi) if a.linear else math.sqrt(lo * hi)


def search(a, work):
    """(answer, status): the last passing value, bisected until the bracket is within rtol."""
    ok_lo, ok_hi = run(a, work, a.lo), run(a, work, a.hi)
    good, bad = (a.lo, a.hi) if not a.smallest else (a.hi, a.lo)
    ok_good, ok_bad = (ok_lo, ok_hi) if not a.smallest else (ok_hi, ok_lo)
    if ok_good and ok_bad:
        return bad, "holds over the whole range"
    if not ok_good and not ok_bad:
        return None, "fails over the whole range"
    if not ok_good:
        return None, "passes only at the wrong end: the criterion %s as -%s %s (use %s)" % (
            "fails" if not a.smallest else "holds", a.key, "grows" if not a.smallest else "falls", "--smallest" if not a.smallest else "the default (largest)")
    while abs(bad - good) > a.rtol * abs(good):
        mid = middle(a, good, bad)
        if run(a, work, mid):
            good = mid
        else:
            bad = mid
    return good, "found"


def sample_times(a, value, most=30):
    """Output times at which the plausible discs are read: the extreme of the figure in the run at
    the answer, the last time, and others evenly spread (discsim-study takes up to 32 quantities)."""
    series = Member.series[value]
    times = [t for t, _ in series]
    if a.over == "end" or len(times) <= most:
        return times if a.over != "end" else times[-1:]
    pick = {times[-1], (min if a.over == "min" else max)(series, key=lambda tv: tv[1])[0]}
    step = (len(times) - 1) / (most - len(pick))
    pick.update(times[round(i * step)] for i in range(most - len(pick)))
    return sorted(pick)


def uncertain_fraction(a, work, value):
    """LHS over every documented plausible range (discsim-study), the key fixed at value; each disc
    reduced (min, max or end) over the sampled output times."""
    study = os.path.join(work, "uncertain.yaml")
    with open(study, "w") as f:
        f.write("base: %s\nset:\n  %s: %r\n" % (os.path.abspath(a.scenario), a.key, value))
        for k, v in zip(a.extra[::2], a.extra[1::2]):
            f.write("  %s: %s\n" % (k.lstrip("-"), v))
        times = sample_times(a, value)
        quantity = "{name: %s, times: [%s]}" % (a.figure, ", ".join(repr(t) for t in times))
        f.write("uncertain: true\ndesign:\n  type: lhs\n  samples: %d\nquantities:\n  - %s\nseed: %d\n" % (a.uncertain, quantity, a.seed))
        f.write("output: %s\n" % os.path.join(work, "uncertain.csv"))
    exe = os.path.join(os.path.dirname(a.discsim), "discsim-study")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    r = subprocess.run([exe, study], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if r.returncode:
        raise SystemExit("dose_find: the uncertainty study failed: %s" % r.stdout[-500:])
    import csv
    rows = list(csv.DictReader(open(os.path.join(work, "uncertain.csv"))))
    cols = [c for c in rows[0] if c.split(" ")[0].split("@")[0] == a.figure]
    reduce = {"min": min, "max": max, "end": lambda v: v[-1]}[a.over]
    done = [r for r in rows if r.get("status", "ok") == "ok"]
    passed = sum(1 for r in done if OPS[a.op](reduce([float(r[c]) for c in cols]), a.threshold))
    print("(each disc read at %d output times up to %g h, the extreme of the run at the answer among them)" % (len(cols), Member.series[value][-1][0]))
    n, p, z = len(done), (passed / len(done) if done else float("nan")), 1.96
    lo = (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n) if n else float("nan")
    hi = (p + z * z / (2 * n) + z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n) if n else float("nan")
    return passed, n, len(rows) - n, lo, hi


def main():
    a = parse()
    if a.extra and len(a.extra) % 2:
        raise SystemExit("dose_find: the discsim keys after -- must come as KEY VALUE pairs")
    a.extra = [t if i % 2 or t.startswith("-") else "-" + t for i, t in enumerate(a.extra)]
    print("dose_find: the %s -%s in [%g, %g] for which %s(%s%s) %s %g, to %g relative" % (
        "smallest" if a.smallest else "largest", a.key, a.lo, a.hi, a.over, a.figure, "" if a.until is None else " up to %g h" % a.until, a.op, a.threshold, a.rtol))
    work = tempfile.mkdtemp(prefix="discsim-dose-")
    try:
        answer, status = search(a, work)
        if answer is None:
            print("answer: none (%s) after %d members" % (status, Member.count))
            return 1
        print("answer: -%s %.6g (%s) after %d members" % (a.key, answer, status, Member.count))
        if a.uncertain:
            passed, n, failed, lo, hi = uncertain_fraction(a, work, answer)
            print("over %d plausible discs (Latin hypercube of every documented range, seed %d): the criterion holds in %d (%.0f %%, 95 %% interval %.0f-%.0f %%)%s" % (
                n, a.seed, passed, 100.0 * passed / max(n, 1), 100 * lo, 100 * hi, "; %d members failed" % failed if failed else ""))
        return 0 if status == "found" else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
