#!/usr/bin/python3
"""Post-processing a discsim run without ParaView: doc/loader.md walks through it.

Run after `bash examples/run.sh cell_injection` (it reads results/cell_injection/):
    /usr/bin/python3 doc/examples/load_run.py [results/cell_injection]
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))
import discsim_load as dl  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

folder = sys.argv[1] if len(sys.argv) > 1 else "results/cell_injection"

# 1. one run: key figures (pandas) and cell fields (xarray), with units
run = dl.open_run(os.path.join(folder, "bmsc.exo"))
print("key figures:", len(run.figures.columns), "columns,", len(run.figures), "output times (h):", list(run.figures.index[:4]), "...")
print("doses:", run.doses)
f = run.fields
print("cell fields:", [v for v in f.data_vars][:6], "...; mesh", f.attrs["mesh"], "with", f.sizes["cell"], "cells")
print("glucose unit:", f["glucose"].attrs["units"], "| regions:", sorted(set(f["region"].values)))

# 2. a number the program does not print: the NP volume with glucose below 1 mM, at every output
np_cells = f["region"] == "NP"
low = ((f["glucose"] < 1.0) & np_cells) * f["volume"]
for t, v in zip(f["time_d"].values, low.sum("cell").values):
    if v > 0:
        print("day %5.2f: %7.1f mm^3 of the NP below 1 mM glucose" % (t, v))

# 3. several runs side by side: the generic column compares cell types
for name in ("bmsc", "amsc", "npmsc"):
    fig = dl.load_csv(os.path.join(folder, name + ".csv")).figures
    print("%-6s viable injected cells on day 37: %.4g" % (name, fig["cells_injected_disc"].iloc[-1]))

# 4. a map of the r-z plane one day after the dose
step = int(abs(f["time"] - 192).argmin())
ax = plt.figure(figsize=(6, 3.2)).add_subplot()
sc = ax.scatter(f["r"], f["z"], c=f["glucose"][step], s=12, marker="s", cmap="viridis")
plt.colorbar(sc, label="glucose [%s]" % f["glucose"].attrs["units"])
ax.set_xlabel("radius r [mm]"), ax.set_ylabel("height z [mm]"), ax.set_aspect("equal")
ax.set_title("glucose at t = %s" % dl.format_time(f, step))
plt.tight_layout()
plt.savefig(os.path.join(folder, "glucose_map.png"), dpi=120)
print("wrote", os.path.join(folder, "glucose_map.png"))
