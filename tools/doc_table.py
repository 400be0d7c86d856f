#!/usr/bin/python3
"""A markdown table of key figures from runs' CSV files, for the generated blocks of doc/
(tools/doc_generated.py): the numbers in doc/ come from the runs, never copied by hand.

    tools/doc_table.py DIR --runs bmsc,npmsc [--labels BMSC,NPMSC] --row "LABEL=SPEC" ... [--transpose] [--corner TEXT]

DIR holds RUN.csv for every run (e.g. results/cell_injection of `bash examples/run.sh
cell_injection`). Each --row is one table row: LABEL (the first column) = SPEC, where SPEC is
  Q@T            the key figure Q at output time T (h), or Q@end (the last output);
                 time@end is the time of the last output (h)
  min:Q[:T0:T1]  the smallest value of Q over the outputs with T0 <= t <= T1 (h; default: all)
  max:Q[:T0:T1]  the largest
followed by an optional "|FORMAT" (a Python format spec, default .4g) and "|at" to append the
time of the extreme in h, e.g. "min:glucose_NP_centre:168:888|.3g|at" -> "0.643 (192 h)", or
"|loc" to append a minimum's place from its Q_at_x/_y/_z columns: "1.5083 at (14.31, 0.00, 5.10) mm".
--unit-of Q adds a last column with Q's unit per run.
--subst NAME=v1,v2,... (one value per run, repeatable) replaces {NAME} in every SPEC by the run's
value, so that one row reads figures whose names or times differ between runs, e.g. the pool of
each exosome source: --runs bmsc,plmsc --subst src=bmsc,plmsc --row "half-life=exo_{src}_total_disc_half_life@end".
A run may be named twice (e.g. with two values of NAME).
A missing value is an error (the table would be wrong), except a run without the column: "—".
"""
import argparse, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import discsim_load  # noqa: E402


def value(run, spec):
    parts = spec.split("|")
    what, fmt, at, loc = parts[0], ".4g", False, False
    for p in parts[1:]:
        at, loc = at or p == "at", loc or p == "loc"
        fmt = fmt if p in ("at", "loc") else p
    df = run.figures
    if "@" in what:
        q, t = what.split("@")
        if q == "time" and t == "end":
            return format(float(df.index[-1]), fmt)
        if q not in df:
            return "—"
        if t == "end":
            v, when = df[q].iloc[-1], df.index[-1]
        else:
            rows = [i for i, ti in enumerate(df.index) if abs(ti - float(t)) <= 1e-9 * max(1, float(t))]
            if not rows:
                sys.exit("doc_table: no output at t = %s h for %s" % (t, q))
            v, when = df[q].iloc[rows[0]], df.index[rows[0]]
    else:
        kind, q, *window = what.split(":")
        if kind not in ("min", "max"):
            sys.exit("doc_table: '%s' is not Q@T, min:Q or max:Q" % what)
        if q not in df:
            return "—"
        lo, hi = (float(window[0]), float(window[1])) if window else (-math.inf, math.inf)
        s = df[q][(df.index >= lo) & (df.index <= hi)]
        if s.empty:
            sys.exit("doc_table: no output of %s in [%g, %g] h" % (q, lo, hi))
        when = s.idxmin() if kind == "min" else s.idxmax()
        v = s[when]
    text = format(float(v), fmt)
    if loc:  # a minimum's place: the columns Q_at_x, _y, _z at the same time
        text += " at (%s) mm" % ", ".join("%.2f" % df[q + "_at_" + c][when] for c in "xyz")
    return text + (" (%g h)" % when if at else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--runs", required=True)
    ap.add_argument("--labels")
    ap.add_argument("--row", action="append", required=True)
    ap.add_argument("--transpose", action="store_true", help="one row per run, one column per --row")
    ap.add_argument("--corner", default="", help="text of the table's top-left cell")
    ap.add_argument("--unit-of", help="transposed tables: a last column with this figure's unit in each run")
    ap.add_argument("--subst", action="append", default=[], help="NAME=v1,v2,...: {NAME} in the specs, one value per run")
    a = ap.parse_args()
    names = a.runs.split(",")
    labels = a.labels.split(",") if a.labels else names
    if len(labels) != len(names):
        sys.exit("doc_table: %d labels for %d runs" % (len(labels), len(names)))
    subst = []
    for s in a.subst:
        key, _, vals = s.partition("=")
        if len(vals.split(",")) != len(names):
            sys.exit("doc_table: --subst %s has %d values for %d runs" % (key, len(vals.split(",")), len(names)))
        subst.append((key, vals.split(",")))
    runs = [discsim_load.load_csv(os.path.join(a.dir, n + ".csv")) for n in names]
    rows = [r.partition("=")[::2] for r in a.row]

    def spec_of(spec, k):  # the spec with run k's substitutions
        for key, vals in subst:
            spec = spec.replace("{%s}" % key, vals[k])
        return spec
    cells = [[value(run, spec_of(spec, k)) for _, spec in rows] + ([run.units.get(a.unit_of, "")] if a.unit_of else [])
             for k, run in enumerate(runs)]
    if a.unit_of:
        rows.append(("unit", ""))
    head, body = ([lab for lab, _ in rows], [[lab] + c for lab, c in zip(labels, cells)]) if a.transpose else \
        (labels, [[lab] + [c[k] for c in cells] for k, (lab, _) in enumerate(rows)])
    print("| %s | %s |" % (a.corner, " | ".join(head)))
    print("|---" * (len(head) + 1) + "|")
    for line in body:
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
