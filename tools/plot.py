#!/usr/bin/python3
"""Figures of discsim runs with matplotlib: one command for any set of runs.

Time series of key figures (CSV files; each run one colour, each quantity one panel):
  tools/plot.py RUN.csv [RUN2.csv ...] -q glucose_NP_centre -q cells_injected_disc [-q mmp_NP_mean,aggrecan_NP_mean]
      [--labels "BMSC,NPMSC"] [--time h|d|w|y] [--mark glucose_NP_centre=0.5:"native cells starve below"]
      [--log Q] [--linear Q] [--title T] -o figure.png [-o figure.pdf]

  -q Q       one panel per -q; Q1,Q2 puts quantities of the same unit in one panel (line styles)
  --mark     a threshold line in the panel of that quantity (repeatable)
  --log/--linear  force the scale of a panel (by its first quantity); by default a panel is
             logarithmic when its positive values span more than three decades
  doses      drawn as vertical lines: the times come from the run's log (RUN.txt beside RUN.csv,
             the lines "t = ... h: injected ...") or, without a log, from the jumps of the
             <species>_injected columns (then at the first output after the dose)
  units      from the files: the CSV header "name [unit]", the Exodus 'units' attributes

Profiles of a cell field along a line through the disc (Exodus files; one line per run and time):
  tools/plot.py profile RUN.exo [RUN2.exo ...] -f glucose --along z [--at 0] [--times 0,24,last] -o out.png

The output format follows the extension of -o: .png, .pdf or .svg. The script runs under
Debian's /usr/bin/python3 whatever python3 comes first on PATH (it re-executes itself there).
"""
import os
import sys

# Debian's python3 has matplotlib, netCDF4, numpy: use it whatever 'python3' the user has
if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3") \
        and not os.environ.get("DISCSIM_PLOT_REEXEC"):
    os.environ["DISCSIM_PLOT_REEXEC"] = "1"
    os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])

import argparse  # noqa: E402
import re  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import discsim_load  # noqa: E402

TIME_UNITS = {"h": (1.0, "time [h]"), "d": (24.0, "time [days]"), "w": (168.0, "time [weeks]"), "y": (8766.0, "time [years]")}
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"]
DASHES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1)), (0, (1, 1)), (0, (8, 2))]
QSTYLES = ["-", "--", ":", "-."]


def mathtext(text):
    """'10^7' -> 10 to the 7 as a superscript; 'mm^3' -> mm³ (matplotlib mathtext)."""
    text = re.sub(r"(\d+(?:\.\d+)?)\s*x\s*10\^(-?\d+)", r"$\1\\times10^{\2}$", text)
    text = re.sub(r"10\^(-?\d+)", r"$10^{\1}$", text)
    return re.sub(r"\^(-?\d+)", r"$^{\1}$", text)


def pretty_unit(unit):
    if unit in (None, "", "1"):
        return ""
    return mathtext(unit)


def time_unit(args, runs):
    if args.time:
        return args.time
    tmax = max(r.times[-1] for r in runs)
    return "h" if tmax <= 72 else "d" if tmax <= 2 * 8766 else "y"


def parse_marks(marks):
    out = {}
    for m in marks or []:
        key, _, rest = m.partition("=")
        value, _, text = rest.partition(":")
        try:
            out.setdefault(key.strip(), []).append((float(value), text.strip()))
        except ValueError:
            sys.exit("plot: --mark wants QUANTITY=VALUE[:TEXT], got '%s'" % m)
    return out


def panel_scale(args, names, values, floor):
    """'log' when forced or when the positive values span more than three decades."""
    if names[0] in (args.log or []):
        return "log"
    if names[0] in (args.linear or []):
        return "linear"
    pos = np.concatenate([v[v > 0] for v in values]) if values else np.array([])
    if pos.size == 0:
        return "linear"
    top = pos.max()
    low = max(pos.min(), top * floor)
    return "log" if top / low > 1e3 else "linear"


def draw_doses(ax, runs, colours, tscale):
    """Dose times: grey when every run with doses has the same ones, else in the run's colour."""
    withdoses = [(r, c) for r, c in zip(runs, colours) if r.doses]
    if not withdoses:
        return
    same = all([d[0] for d in r.doses] == [d[0] for d in withdoses[0][0].doses] for r, _ in withdoses)
    drawn = set()
    many = max(len(r.doses) for r, _ in withdoses) > 12  # many doses: ticks at the bottom, not lines
    for r, c in withdoses:
        for t, _ in r.doses:
            if same and t in drawn:
                continue
            drawn.add(t)
            ax.axvline(t / tscale, color="0.55" if same else c, lw=0.8, ls="-" if many else (0, (2, 2)), zorder=0, ymax=0.05 if many else 1)


def series_panel(ax, args, runs, names, marks, tscale, colours):
    values = []
    units = set()
    for r in runs:
        for q in names:
            if q in r.figures:
                values.append(np.asarray(r.figures[q], dtype=float))
                units.add(r.units.get(q, ""))
    if not values:
        ax.set_visible(False)
        return
    if len(units) > 1:
        sys.exit("plot: %s have different units (%s): give them separate panels (-q A -q B)" % (", ".join(names), ", ".join(sorted(units))))
    scale = panel_scale(args, names, values, args.floor)
    nruns = len(runs)
    for i, (r, c) in enumerate(zip(runs, colours)):
        t = np.asarray(r.times) / tscale
        for k, q in enumerate(names):
            if q not in r.figures:
                continue
            y = np.asarray(r.figures[q], dtype=float)
            if scale == "log":
                y = np.where(y > 0, y, np.nan)
            lw = 1.3 + 1.9 * (nruns - 1 - i) / max(nruns - 1, 1)  # first runs wider: equal curves stay visible
            ls = QSTYLES[k % len(QSTYLES)] if len(names) > 1 else DASHES[i % len(DASHES)]
            ax.plot(t, y, color=c, lw=lw, ls=ls, alpha=0.9, marker="o" if len(t) < 20 else None, ms=3)
    if len(names) > 1:  # quantities in one panel: a legend of line styles
        for k, q in enumerate(names):
            ax.plot([], [], color="0.3", ls=QSTYLES[k % len(QSTYLES)], label=discsim_load.describe(q))
        ax.legend(fontsize=7, loc="best", frameon=False)
    for value, text in [m for q in names for m in marks.get(q, [])]:
        ax.axhline(value, color="0.25", lw=0.9, ls=(0, (4, 2)), zorder=1)
        ax.annotate(text or "%g" % value, (0.99, value), xycoords=("axes fraction", "data"), xytext=(0, 2), textcoords="offset points", fontsize=7, color="0.25", va="bottom", ha="right")
    draw_doses(ax, runs, colours, tscale)
    if scale == "log":
        ax.set_yscale("log")
        top = np.nanmax([np.nanmax(v) for v in values])
        ax.set_ylim(bottom=max(np.nanmin([v[v > 0].min() for v in values if (v > 0).any()]), top * args.floor) / 2)
    unit = pretty_unit(units.pop())
    words = [discsim_load._split_relative(discsim_load.describe(q)) for q in names]
    title = words[0][0] if len(names) == 1 else " and ".join(w[0].split(":")[0] for w in words)
    if len(title) > 60:  # too long for a panel: the names (the legend says what they are)
        title = " / ".join(names)
    relative = words[0][1].lstrip(", ")
    ax.set_title(mathtext(title), fontsize=9)
    ax.set_ylabel(unit or relative or ("pH" if names[0].startswith("pH") else "dimensionless"), fontsize=8)
    if scale != "log":
        ax.ticklabel_format(axis="y", useMathText=True)
    ax.grid(True, alpha=0.25)
    ax.tick_params(labelsize=7)


def save(fig, outputs):
    for out in outputs:
        ext = os.path.splitext(out)[1].lower()
        if ext not in (".png", ".pdf", ".svg"):
            sys.exit("plot: -o %s: the format follows the extension, one of .png .pdf .svg" % out)
        d = os.path.dirname(out)
        if d:
            os.makedirs(d, exist_ok=True)
        fig.savefig(out, dpi=150 if ext == ".png" else None)
        print("plot: wrote", out)


def layout(n):
    cols = 1 if n == 1 else 2 if n in (2, 4) else 3
    return (n + cols - 1) // cols, cols


def series(args):
    runs = [discsim_load.load_csv(p) for p in args.files]
    labels = args.labels.split(",") if args.labels else [os.path.splitext(os.path.basename(p))[0] for p in args.files]
    if len(labels) != len(runs):
        sys.exit("plot: %d labels for %d runs" % (len(labels), len(runs)))
    panels = [q.split(",") for q in args.quantity]
    for names in panels:
        for q in names:
            if not any(q in r.figures for r in runs):
                sys.exit("plot: no run has '%s'; columns of %s: %s" % (q, args.files[0], ", ".join(runs[0].figures.columns)))
    tu = time_unit(args, runs)
    tscale, xlabel = TIME_UNITS[tu]
    colours = [COLOURS[i % len(COLOURS)] for i in range(len(runs))]
    nrow, ncol = layout(len(panels))
    nleg = (len(labels) + (1 if any(r.doses for r in runs) else 0) + 5) // 6  # legend lines (6 entries a line)
    fig = plt.figure(figsize=(4.2 * ncol + 0.4, 2.7 * nrow + 0.25 * nleg + (0.35 if args.title else 0.1)), layout="constrained")
    grid = fig.add_gridspec(nrow + 1, ncol, height_ratios=[0.25 * nleg] + [2.7] * nrow)
    legend_ax = fig.add_subplot(grid[0, :])
    legend_ax.axis("off")
    axes = np.empty((nrow, ncol), dtype=object)
    for r_ in range(nrow):
        for c_ in range(ncol):
            axes[r_][c_] = fig.add_subplot(grid[r_ + 1, c_], sharex=axes[0][0] if r_ or c_ else None)
    marks = parse_marks(args.mark)
    for ax, names in zip(axes.flat, panels):
        series_panel(ax, args, runs, names, marks, tscale, colours)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    if args.xlim:
        axes[0][0].set_xlim(*[float(v) for v in args.xlim.split(",")])
    for ax in axes[-1]:
        ax.set_xlabel(xlabel, fontsize=8)
    for c in range(ncol):  # x labels on the lowest visible panel of each column
        vis = [axes[r][c] for r in range(nrow) if axes[r][c].get_visible()]
        if vis:
            vis[-1].set_xlabel(xlabel, fontsize=8)
            vis[-1].xaxis.set_tick_params(labelbottom=True)
    handles = [plt.Line2D([], [], color=c, lw=2.2, ls=DASHES[i % len(DASHES)] if max(len(n) for n in panels) == 1 else "-") for i, c in enumerate(colours)]
    if any(r.doses for r in runs):
        withdoses = [[t for t, _ in r.doses] for r in runs if r.doses]
        same = all(d == withdoses[0] for d in withdoses)
        handles.append(plt.Line2D([], [], color="0.55", lw=0.8, ls=(0, (2, 2))))
        labels = labels + ["dose" if same else "doses (in the run's colour)"]
    if args.title:
        fig.suptitle(mathtext(args.title), fontsize=11)
    legend_ax.legend(handles, [mathtext(lab) for lab in labels], loc="center", ncol=min(len(labels), 6), fontsize=8, frameon=False, borderaxespad=0)
    save(fig, args.output)


def profile(args):
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    labels = args.labels.split(",") if args.labels else [os.path.splitext(os.path.basename(p))[0] for p in args.files]
    unit = ""
    for i, (path, label) in enumerate(zip(args.files, labels)):
        ds = discsim_load.load_exodus(path, figures=False)
        name = discsim_load.field_name(ds, args.field)
        pos, select, xlabel, at = discsim_load.line(ds, args.along, args.at)
        times = ds["time"].values
        steps = [len(times) - 1 if tok == "last" else int(np.argmin(np.abs(times - float(tok)))) for tok in (args.times or "0,last").split(",")]
        order = np.argsort(pos[select])
        for k, s in enumerate(steps):
            vals = ds[name].values[s][select][order]
            text = "t = %s" % discsim_load.format_time(ds, s)
            ax.plot(pos[select][order], vals, marker=".", color=COLOURS[(i * len(steps) + k) % len(COLOURS)] if len(args.files) > 1 else COLOURS[k % len(COLOURS)],
                    ls=DASHES[i % len(DASHES)], label=text if len(args.files) == 1 else "%s, %s" % (label, text))
        unit = ds[name].attrs.get("units", "")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(pretty_unit(unit) or "(dimensionless)")
    ax.set_title(mathtext(args.title or "%s along %s at %.3g mm" % (discsim_load.describe(args.field), args.along, at)), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    save(fig, args.output)


def main(argv):
    what = "series"
    if argv and argv[0] in ("series", "profile"):
        what, argv = argv[0], argv[1:]
    ap = argparse.ArgumentParser(prog="tools/plot.py" + ("" if what == "series" else " profile"), description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--labels", help="run names, comma-separated (default: the file names)")
    ap.add_argument("--title")
    ap.add_argument("-o", "--output", action="append", required=True, help="figure file (.png, .pdf, .svg); repeatable")
    if what == "series":
        ap.add_argument("-q", "--quantity", action="append", required=True, help="a key figure (CSV column without its unit); Q1,Q2 shares a panel")
        ap.add_argument("--time", choices=sorted(TIME_UNITS), help="time axis unit (default: h up to 3 days, days up to 2 years, years)")
        ap.add_argument("--xlim", help="A,B: the time axis from A to B, in its unit (--time)")
        ap.add_argument("--mark", action="append", help="QUANTITY=VALUE[:TEXT], a threshold line")
        ap.add_argument("--log", action="append", help="logarithmic axis for the panel of this quantity")
        ap.add_argument("--linear", action="append", help="linear axis for the panel of this quantity")
        ap.add_argument("--floor", type=float, default=1e-6, help="log panels show values down to this fraction of the panel's peak (default 1e-6)")
    else:
        ap.add_argument("-f", "--field", required=True, help="cell field, e.g. glucose (or glucose_mM)")
        ap.add_argument("--along", choices=["z", "r", "x"], default="z")
        ap.add_argument("--at", type=float, help="mm: radius/x of a line along z, height of a line along r")
        ap.add_argument("--times", help="hours, comma-separated, 'last' for the last output (default 0,last)")
    args = ap.parse_args(argv)
    series(args) if what == "series" else profile(args)


if __name__ == "__main__":
    main(sys.argv[1:])
