#!/usr/bin/python3
"""tools/discsim_load.py against what discsim wrote and against closed forms.

Usage: test_loader.py DISCSIM SRCDIR. One small biology run (axisymmetric 16 x 8 cells, 2 days,
a BMSC dose at 3 h); then:
  - times: the output times asked for, in h, and the day and year coordinates;
  - geometry: the cell volumes the loader computes from the node coordinates add up, per region,
    to the closed-form volumes of the default disc (cylinders and a ring);
  - regions and fields: pH = 7.4 - lactate/11.11 and pO2 = oxygen/0.010268 cell by cell (the
    loader's names and units match the model's laws);
  - integrals: the loader's sum of density x volume over a region equals the key figure discsim
    computed (cells_native_NP, cells_injected_disc, cells_BMSC_NP);
  - the Exodus global variables equal the CSV columns of the same run (two files, two readers);
  - the dose time read from the log, and the injected total from the CSV.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

discsim, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tools"))
import discsim_load as dl  # noqa: E402

failures = []


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def close(a, b, rel):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= rel * np.maximum(np.abs(b), 1e-300)))


work = tempfile.mkdtemp()
exo = os.path.join(work, "run.exo")
args = [discsim, "-model", "biology", "-bio_preset", "degenerate", "-mesh_nr", "16", "-mesh_nz", "8", "-time_final", "2d",
        "-output_times", "1,6", "-injection1_what", "bmsc", "-injection1_time", "3", "-injection1_dose", "1e6",
        "-injection1_volume", "100", "-quiet", "-output_file", exo]
with open(os.path.join(work, "run.txt"), "w") as log:
    subprocess.run(args, check=True, stdout=log)

run = dl.open_run(exo)
f, fig = run.fields, run.figures

# times
check(close(f["time"].values, [0, 1, 6, 48], 1e-12), "output times [0, 1, 6, 48] h: %s" % f["time"].values)
check(close(f["time_d"].values[-1], 2.0, 1e-12) and close(f["time_y"].values[-1], 48 / 8766.0, 1e-12), "2 days = 48 h in days and years")
check(close(fig.index.values, f["time"].values, 1e-12), "CSV rows at the Exodus times")

# geometry (default disc: height 11, radius 20, NP fraction 0.64, CEP 0.6 mm thick over 0.8 of the
# radius; the AF fills the full height beyond the CEP)
r_np, h_np = 0.64 * 20, 11 - 2 * 0.6
exact = {"NP": math.pi * r_np ** 2 * h_np, "AF": math.pi * (20 ** 2 - r_np ** 2) * h_np + 2 * math.pi * (20 ** 2 - 16 ** 2) * 0.6, "CEP": 2 * math.pi * (0.8 * 20) ** 2 * 0.6}
for region, v in exact.items():
    got = float(f["volume"].where(f["region"] == region).sum())
    check(close(got, v, 1e-9), "volume of the %s: %.6f mm^3 (closed form %.6f)" % (region, got, v))
check(f.attrs["mesh"] == "axisymmetric" and "r" in f.coords and "z" in f.coords, "axisymmetric mesh with r and z")

# fields against the model's closed-form diagnostics
check(close(f["pH"].values, 7.4 - f["lactate"].values / 11.11, 1e-12), "pH = 7.4 - lactate/11.11 in every cell at every time")
check(close(f["pO2"].values, f["oxygen"].values / 0.010268, 1e-12), "pO2 = oxygen / 0.010268 in every cell")
check(f["glucose"].attrs["units"] == "mM" and f["pO2"].attrs["units"] == "kPa" and f["pH"].attrs["units"] == "1", "field units mM, kPa, 1")
check(close(f["cells_injected"].values, f["cells_BMSC"].values, 1e-15), "cells_injected = cells_BMSC with one type injected")

# integrals computed here against discsim's key figures
np_mask = (f["region"] == "NP").values
for name, field, mask in (("cells_native_NP", "cells_native", np_mask), ("cells_BMSC_NP", "cells_BMSC", np_mask),
                          ("cells_injected_disc", "cells_injected", np.ones_like(np_mask))):
    mine = (f[field].values[:, mask] * f["volume"].values[mask]).sum(axis=1)
    check(close(mine, fig[name].values, 1e-10), "sum of %s x volume = %s: %s" % (field, name, np.array2string(mine, precision=6)))
check(run.units["cells_native_NP"] == "cells" and run.units["glucose_NP_centre"] == "mM" and run.units["pH_NP_centre"] == "1", "CSV units")

# the two files of one run
ds = dl.load_exodus(exo)
for name in ("glucose_NP_centre", "pO2_min", "cells_native_NP", "aggrecan_NP_mean", "glucose_stored"):
    check(close(ds["global_" + name].values, fig[name].values, 1e-15), "Exodus global %s = CSV column" % name)
check(ds["global_glucose_NP_centre"].attrs["units"] == "mM", "Exodus global units from the CSV")

# doses
check([round(t, 9) for t, _ in run.doses] == [3.0], "dose time from the log: %s" % run.doses)
inj = fig["cells_BMSC_injected"].values
check(close(inj, [0, 0, 1e6, 1e6], 1e-15), "cells_BMSC_injected: %s" % inj)
check([t for t, _ in dl.doses_from_columns(fig)] == [6.0], "without a log: the first output after the dose")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
