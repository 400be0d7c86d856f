#!/usr/bin/python3
"""Loads a discsim run for post-processing in Python (Debian's python3-netcdf4, -xarray, -pandas).

    import sys; sys.path.insert(0, "tools")
    import discsim_load as dl
    run = dl.open_run("results/cell_injection/bmsc.exo")   # the .csv beside it is found
    run.fields        # xarray.Dataset: cell fields (time, cell) with units, x/y/z, region, volume
    run.figures       # pandas.DataFrame: the key figures, one row per output time (index: hours)
    run.units         # {"glucose_NP_centre": "mM", ...}: the unit of every key figure
    run.doses         # [(168.0, "injected BMSC cells (injection1): ..."), ...] from RUN.txt if present

Cell fields are named as the model's fields (glucose, pH, cells_native, ...) without the unit
the Exodus name carries; the unit is in .attrs["units"] ("1" for dimensionless). Times are in
hours (coordinate "time") with "time_d" and "time_y" beside. Regions are the element blocks
(NP, AF, CEP). Cell volumes (mm^3) follow from the node coordinates: axisymmetric meshes (2D,
x = r, y = z) revolve each cell about the axis, a slab (2D, one cell wide) is per mm^2 of
cross-section, 3D cells are boxes.
"""
import csv
import os
import re

import numpy as np

HOURS_PER_DAY, HOURS_PER_YEAR = 24.0, 8766.0
REGION_WORDS = {"NP": "NP", "AF": "AF", "CEP": "endplates (CEP)"}
FIELD_WORDS = {
    "oxygen": "oxygen", "glucose": "glucose", "lactate": "lactate", "pH": "pH", "pO2": "pO2",
    "cells_native": "native cells", "cells_injected": "injected MSCs (all types)", "cells_total": "all viable cells",
    "aggrecan": "aggrecan, relative to healthy", "collagen2": "collagen II, relative to healthy",
    "mmp": "MMP activity, relative to healthy", "cytokine": "cytokine, relative to the degenerate reference",
    "exo_internal": "internalised exosomes (all sources, active cargo)", "exo_total": "exosomes (all sources, free + internalised)",
}
EXO_SOURCE_WORDS = {"bmsc": "BMSC", "amsc": "AMSC", "imsc": "iMSC", "plmsc": "placenta-MSC"}
EXO_POOL_WORDS = {"free": "free {s} exosomes", "internal": "internalised {s} exosomes (active cargo)", "total": "{s} exosomes (free + internalised)",
                  "degraded": "{s} exosomes degraded so far", "cleared": "{s} exosomes cleared so far", "leaked": "{s} exosomes leaked so far"}


def _field_words(f):
    if f in FIELD_WORDS:
        return FIELD_WORDS[f]
    m = re.match(r"exo_([a-z]+)_(free|internal|total|degraded|cleared|leaked)$", f)  # a source's vesicle pool
    if m:
        return EXO_POOL_WORDS[m.group(2)].format(s=EXO_SOURCE_WORDS.get(m.group(1), m.group(1)))
    m = re.match(r"cells_(\w+)$", f)
    return "injected %ss" % m.group(1) if m else f.replace("_", " ")


def _split_relative(words):
    """'aggrecan, relative to healthy' -> ('aggrecan', ', relative to healthy')."""
    head, sep, tail = words.partition(", relative")
    return head, sep + tail


def describe(name):
    """Words for a key figure or field name: 'glucose_NP_centre' -> 'glucose at the NP centre'."""
    rules = [
        (r"(\w+)_NP_centre$", "{f} at the NP centre"),
        (r"(\w+)_min$", "lowest {f} in the disc"),
        (r"(\w+)_(NP|AF|CEP)_mean$", "{f}: mean over the {r}"),
        (r"(\w+)_disc$", "{f} in the disc"),
        (r"(cells_\w+)_(NP|AF|CEP)$", "{f} in the {r}"),
        (r"NP_fraction_(\w+)_low$", "share of the NP with low {f}"),
        (r"(\w+)_stored$", "{f}: amount in the disc"),
        (r"(\w+)_influx$", "{f}: inflow through the boundary"),
        (r"(\w+)_reaction$", "{f}: net production"),
        (r"(\w+)_injected$", "{f}: injected so far"),
    ]
    for pattern, text in rules:
        m = re.match(pattern, name)
        if m:
            head, rel = _split_relative(_field_words(m.group(1)))
            words = text.format(f=head, r=REGION_WORDS.get(m.group(2), "") if m.lastindex > 1 else "")
            return words + rel
    return _field_words(name)


class Run:
    """One run: key figures over time (from the CSV), cell fields (from the Exodus file)."""

    def __init__(self, figures=None, units=None, doses=None, fields=None):
        self.figures, self.units, self.doses, self.fields = figures, units or {}, doses or [], fields

    @property
    def times(self):
        return np.asarray(self.figures.index, dtype=float)


def read_doses(log):
    """(time in h, text) of every 't = T h: injected ...' line of a run's printed log."""
    doses = []
    if log and os.path.exists(log):
        with open(log) as f:
            for line in f:
                m = re.match(r"\s*t = ([0-9.eE+-]+) h: (injected .*)", line)
                if m:
                    doses.append((float(m.group(1)), m.group(2).strip()))
    return doses


def doses_from_columns(df):
    """Without a log: the first output after each increase of a <species>_injected column."""
    times = set()
    for c in df.columns:
        if c.endswith("_injected"):
            v = df[c].to_numpy(dtype=float)
            jumps = np.nonzero(np.diff(v) > 0)[0] + 1
            times.update(float(df.index[j]) for j in jumps)
            if len(v) and v[0] > 0:
                times.add(float(df.index[0]))
    return [(t, "injected (first output after the dose)") for t in sorted(times)]


def load_csv(path, log=None):
    """The CSV of key figures as a Run: .figures (index: time in h), .units, .doses."""
    import pandas as pd

    with open(path) as f:
        header = next(csv.reader(f))
    names, units = [], {}
    for col in header:
        m = re.match(r"(.*?) \[(.*)\]$", col)
        name, unit = (m.group(1), m.group(2)) if m else (col, "1")
        names.append(name)
        units[name] = unit
    df = pd.read_csv(path, header=0, names=names, dtype=float)
    if df.empty:
        raise ValueError("%s has no data rows" % path)
    df = df.set_index("time_h")
    df.index.name = "time_h"
    df.attrs["units"] = units
    df.attrs["source"] = path
    log = log or os.path.splitext(path)[0] + ".txt"
    doses = read_doses(log) or doses_from_columns(df)
    return Run(figures=df, units=units, doses=doses)


def _names(var):
    return [bytes(np.asarray(r).tobytes()).decode().rstrip("\x00 ") for r in var[:]]


def unit_tag(unit):
    """The unit as it ends an Exodus variable name (solver/io/dsexodus.c, DSExodusUnitTag):
    "cells/mm^3" -> "cells_per_mm3", "1/h" -> "per_h", "nmol/(mm^2 h)" -> "nmol_per_mm2_h"."""
    tag = unit.replace("^", "").replace("(", "").replace(")", "").replace(" ", "_").replace("*", "_")
    if tag.startswith("1/"):
        tag = tag[1:]
    return tag.replace("/", "_per_").lstrip("_")


def _strip_unit(name, unit):
    tag = unit_tag(unit)
    return name[: -len(tag) - 1] if unit not in ("", "1") and name.endswith("_" + tag) else name


def _cell_geometry(nc, nblk):
    """Centroids, volumes (mm^3), block of every cell, in element order."""
    coords = [np.asarray(nc.variables[n][:]) for n in ("coordx", "coordy", "coordz") if n in nc.variables]
    cents, lo, hi, block = [], [], [], []
    for b in range(1, nblk + 1):
        conn = np.asarray(nc.variables["connect%d" % b][:]) - 1
        cents.append(np.stack([c[conn].mean(axis=1) for c in coords], axis=1))
        lo.append(np.stack([c[conn].min(axis=1) for c in coords], axis=1))
        hi.append(np.stack([c[conn].max(axis=1) for c in coords], axis=1))
        block.append(np.full(conn.shape[0], b - 1))
    cents, lo, hi = np.concatenate(cents), np.concatenate(lo), np.concatenate(hi)
    size = hi - lo  # discsim's cells are axis-aligned boxes (rectangles in 2D)
    if len(coords) == 3:
        mesh, vol = "3d", size.prod(axis=1)
    elif np.allclose(coords[0].min(), 0) and np.allclose(coords[0].max(), 1) and np.allclose(size[:, 0], 1):
        mesh, vol = "slab", size.prod(axis=1)  # one cell wide, 1 mm: per mm^2 of cross-section
    else:
        mesh, vol = "axisymmetric", np.pi * (hi[:, 0] ** 2 - lo[:, 0] ** 2) * size[:, 1]
    return cents, vol, np.concatenate(block), mesh


def load_exodus(path, figures=True):
    """The Exodus file as an xarray.Dataset: cell fields (time, cell) and, if figures, the global
    variables (time) under the names of the CSV (units from the CSV beside it when present)."""
    import xarray as xr
    from netCDF4 import Dataset

    with Dataset(path) as nc:
        nblk = len(nc.dimensions["num_el_blk"])
        regions = _names(nc.variables["eb_names"])
        cents, vol, block, mesh = _cell_geometry(nc, nblk)
        times = np.asarray(nc.variables["time_whole"][:], dtype=float)
        axes = ["r", "z"] if mesh == "axisymmetric" else ["x", "z"] if mesh == "slab" else ["x", "y", "z"]
        coords = {"time": ("time", times, {"units": "h"}), "time_d": ("time", times / HOURS_PER_DAY, {"units": "d"}),
                  "time_y": ("time", times / HOURS_PER_YEAR, {"units": "y"}),
                  "region": ("cell", np.array(regions)[block]), "volume": ("cell", vol, {"units": "mm^3" if mesh != "slab" else "mm^3 per mm^2"})}
        for k, a in enumerate(axes):
            coords[a] = ("cell", cents[:, k], {"units": "mm"})
        data = {}
        for v, raw in enumerate(_names(nc.variables["name_elem_var"]), start=1):
            var1 = nc.variables["vals_elem_var%deb1" % v]
            unit = getattr(var1, "units", "1")
            vals = np.concatenate([np.asarray(nc.variables["vals_elem_var%deb%d" % (v, b)][:], dtype=float) for b in range(1, nblk + 1)], axis=1)
            name = _strip_unit(raw, unit)
            data[name] = (("time", "cell"), vals, {"units": unit, "exodus_name": raw, "long_name": describe(name)})
        gvals = np.asarray(nc.variables["vals_glo_var"][:], dtype=float) if figures and "vals_glo_var" in nc.variables else None
        gnames = _names(nc.variables["name_glo_var"]) if gvals is not None else []
        title = getattr(nc, "title", "")
    ds = xr.Dataset(data, coords=coords, attrs={"title": title, "mesh": mesh, "source": path})
    if gvals is not None:
        csvpath = os.path.splitext(path)[0] + ".csv"
        units = load_csv(csvpath).units if os.path.exists(csvpath) else {}
        for k, raw in enumerate(gnames):
            name = next((n for n, u in units.items() if raw in (n, "%s_%s" % (n, unit_tag(u)))), raw)
            ds["global_" + name] = ("time", gvals[:, k], {"units": units.get(name, "?"), "long_name": describe(name)})
    return ds


def open_run(path):
    """A run from its Exodus file, CSV or printed log (any of RUN.exo, RUN.csv, RUN.txt)."""
    base = os.path.splitext(path)[0]
    run = load_csv(base + ".csv") if os.path.exists(base + ".csv") else Run()
    if os.path.exists(base + ".exo"):
        run.fields = load_exodus(base + ".exo", figures=False)
    return run


# --- helpers for tools/plot.py's profiles --------------------------------------------------------
def field_name(ds, name):
    if name in ds.data_vars:
        return name
    for v in ds.data_vars:
        if ds[v].attrs.get("exodus_name") == name:
            return v
    raise SystemExit("no cell field '%s' in %s; fields: %s" % (name, ds.attrs.get("source"), ", ".join(v for v in ds.data_vars if not v.startswith("global_"))))


def line(ds, along, at):
    """Cells on a line: positions along it, selection mask, axis label, the line's place (mm)."""
    axes = [a for a in ("r", "x", "y", "z") if a in ds.coords]
    zc = ds["z"].values
    hc = ds[axes[0]].values
    if along == "z":
        at = 0.0 if at is None else at
        near = np.abs(hc - at)
        sel = near <= near.min() + 1e-9
        pos, label = zc, "height z [mm]"
    else:
        at = 0.5 * (zc.min() + zc.max()) if at is None else at
        near = np.abs(zc - at)
        sel = near <= near.min() + 1e-9
        pos, label = hc, "radius r [mm]" if axes[0] == "r" else "x [mm]"
    if "y" in ds.coords:
        ny = np.abs(ds["y"].values)
        sel &= ny <= ny[sel].min() + 1e-9
    return pos, sel, label, at


def format_time(ds, step):
    t = float(ds["time"].values[step])
    if t >= 2 * HOURS_PER_YEAR:
        return "%.3g y" % (t / HOURS_PER_YEAR)
    if t >= 72:
        return "%.3g d" % (t / HOURS_PER_DAY)
    return "%.4g h" % t
