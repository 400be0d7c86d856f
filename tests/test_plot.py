#!/usr/bin/python3
"""tools/plot.py on runs whose numbers the test writes itself (doc/examples.md, tools/plot.py --help).

  test_plot.py SOURCE_ROOT

Two runs of 10 days (CSV files in discsim's format, one with its printed log) are drawn with
three panels, and the figure matplotlib holds is inspected:
- each panel draws exactly the runs' values (time in days: the runs last more than 3 days);
- a panel whose values span 10 decades is logarithmic, one that spans a factor 2 is linear,
  --log forces a logarithmic one;
- y labels are the units from the CSV header ("mM", "particles"), titles are words;
- the dose at 168 h (from the log) is a vertical line at day 7, the --mark threshold a horizontal
  line at its value;
- quantities of different units in one panel, an unknown quantity and a bad --mark are refused
  with a message naming them; PNG, PDF and SVG files are written.
"""
import os, subprocess, sys, tempfile

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

root = os.path.abspath(sys.argv[1])
sys.path.insert(0, os.path.join(root, "tools"))
import plot  # noqa: E402

work = tempfile.mkdtemp(prefix="test_plot_")
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


t = np.arange(0, 241, 12.0)  # h, 10 days
glucose = {"a": 4 - 2 * t / 240, "b": 3 + np.sin(t / 40)}
exo = {"a": np.where(t < 168, 0, 1e10 * np.exp(-(t - 168) / 2.0)), "b": np.where(t < 168, 0, 1e9 * np.exp(-(t - 168) / 5.0))}
for run in ("a", "b"):
    with open(os.path.join(work, run + ".csv"), "w") as f:
        f.write("time_h,glucose_NP_centre [mM],exo_total_disc [particles],pH_NP_centre\n")
        for i, ti in enumerate(t):
            f.write("%.17g,%.17g,%.17g,%.17g\n" % (ti, glucose[run][i], exo[run][i], 7.1 + 0.001 * i))
with open(os.path.join(work, "a.txt"), "w") as f:
    f.write("discsim ...\n  t = 168 h: injected BMSC exosomes (injection1): 1e+10 particles of exo_free into 101.2 mm^3\n")

figures = []
plot.save = lambda fig, outputs: figures.append(fig)  # keep the figure instead of writing it
plot.main([os.path.join(work, "a.csv"), os.path.join(work, "b.csv"), "--labels", "A,B", "-q", "glucose_NP_centre", "-q", "exo_total_disc", "-q", "pH_NP_centre",
           "--mark", "glucose_NP_centre=0.5:threshold", "--log", "pH_NP_centre", "-o", "unused.png"])
fig = figures[0]
axes = {ax.get_title(): ax for ax in fig.axes if ax.get_visible() and ax.get_title()}
print("panels:", list(axes))
g, e, p = (next((ax for title, ax in axes.items() if key in title), None) for key in ("glucose", "exosome", "pH"))
check(None not in (g, e, p) and len(axes) == 3, "three panels, titled in words: %s" % list(axes))
if None not in (g, e, p):
    lines = [ln for ln in g.get_lines() if len(ln.get_xdata()) == len(t)]
    same = len(lines) == 2 and all(np.allclose(ln.get_xdata(), t / 24) and np.allclose(ln.get_ydata(), glucose[r]) for ln, r in zip(lines, "ab"))
    check(same, "glucose panel draws both runs' values against time in days")
    check(g.get_yscale() == "linear" and e.get_yscale() == "log" and p.get_yscale() == "log",
          "scales: glucose %s (factor 2), exosomes %s (10 decades), pH %s (--log)" % (g.get_yscale(), e.get_yscale(), p.get_yscale()))
    check(g.get_ylabel() == "mM" and e.get_ylabel() == "particles", "y labels are the units: '%s', '%s'" % (g.get_ylabel(), e.get_ylabel()))
    vertical = [ln.get_xdata()[0] for ln in g.get_lines() if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]]
    horizontal = [ln.get_ydata()[0] for ln in g.get_lines() if len(ln.get_ydata()) == 2 and ln.get_ydata()[0] == ln.get_ydata()[1]]
    check(vertical == [7.0], "dose line at day 7 from the log: %s" % vertical)
    check(horizontal == [0.5], "threshold line at 0.5 mM: %s" % horizontal)
    xlabels = sorted({ax.get_xlabel() for ax in (g, e, p)} - {""})
    check(xlabels == ["time [days]"], "time axis in days: %s" % xlabels)


def refused(args, expect):
    r = subprocess.run(["/usr/bin/python3", os.path.join(root, "tools", "plot.py")] + args, capture_output=True, text=True, cwd=work)
    check(r.returncode != 0 and expect in r.stderr, "refused (%s): %s" % (" ".join(args[2:]), r.stderr.strip()[:150]))


refused(["a.csv", "b.csv", "-q", "glucose_NP_centre,exo_total_disc", "-o", "x.png"], "different units")
refused(["a.csv", "b.csv", "-q", "glucose_centre", "-o", "x.png"], "no run has 'glucose_centre'")
refused(["a.csv", "-q", "glucose_NP_centre", "--mark", "glucose_NP_centre=low", "-o", "x.png"], "--mark wants")
refused(["a.csv", "-q", "glucose_NP_centre", "-o", "x.jpg"], "the format follows the extension")
r = subprocess.run(["/usr/bin/python3", os.path.join(root, "tools", "plot.py"), "a.csv", "b.csv", "-q", "exo_total_disc", "-o", "f.png", "-o", "f.pdf", "-o", "f.svg"],
                   capture_output=True, text=True, cwd=work)
sizes = [os.path.getsize(os.path.join(work, "f." + x)) if os.path.exists(os.path.join(work, "f." + x)) else 0 for x in ("png", "pdf", "svg")]
check(r.returncode == 0 and min(sizes) > 1000, "PNG, PDF and SVG written: %s bytes" % sizes)
print("plot: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
