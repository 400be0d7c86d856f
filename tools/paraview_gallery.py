"""Pictures and ParaView state files of discsim results, many in one pvbatch process.

    xvfb-run -a pvbatch tools/paraview_gallery.py OUTDIR FILE.exo[:FIELD[:TIME_h]] ...

For each result: the field (default: chosen from the variables, see FIELD_CHOICE) at the given
time (default: the last step), coloured per cell, with a logarithmic colour scale when the field
spans more than three decades, the region (element block) outlines, axes in mm, the time in
hours, days or years, and the scalar bar titled with the name and the unit from the file. Writes
OUTDIR/NAME.png and OUTDIR/NAME.pvsm, a ParaView state that opens the same view on the result
(File > Load State, "Search files under specified directory" pointing at the result's folder).
Axisymmetric results show the r-z plane; 3D results (and -output_revolve ones) are cut open at
y = 0 so that the inside shows. Prints one line per picture: name, field, time, range, seconds.
"""
import math
import os
import sys
import time

from paraview.simple import (AnnotateTimeFilter, Clip, ColorBy, CreateView, Delete, ExtractSurface, FeatureEdges, GetColorTransferFunction,
                             GetScalarBar, OpenDataFile, Render, SaveScreenshot, SaveState, SetActiveView, Show)

WIDTH, HEIGHT = 1200, 800
# preferred field per kind of result, first match wins (names as written: "<name>_<unit tag>")
FIELD_CHOICE = ["exo_total_particles_per_mm3", "cells_injected_cells_per_mm3", "aggrecan", "glucose_mM", "pO2_kPa", "pH"]


def block_and_field_properties(reader):
    if reader.GetProperty("ElementBlockFields") is not None:
        return "ElementBlocks", "ElementBlockFields"
    return "ElementBlocks", "ElementVariables"


def steps(reader):
    t = reader.TimestepValues
    if t is None:
        return []
    return list(t) if hasattr(t, "__len__") else [t]


def time_format(name, times):
    """The time in the unit the run's length calls for: h up to 2 days, d up to 2 years, then y
    (ParaView's AnnotateTimeFilter: format and scale from hours)."""
    end = max(times) if times else 0.0
    if end <= 48:
        return name + "   t = {time:.4g} h", 1.0
    if end <= 2 * 8766:
        return name + "   t = {time:.4g} d", 1.0 / 24
    return name + "   t = {time:.4g} y", 1.0 / 8766


def time_label(name, times, t):
    fmt, scale = time_format(name, times)
    return fmt.replace("{time:.4g}", "%.4g" % (t * scale))


UNIT_TAGS = {"mM": "mM", "kPa": "kPa", "cells_per_mm3": "cells/mm^3", "particles_per_mm3": "particles/mm^3", "per_h": "1/h", "mOsm_per_kg": "mOsm/kg"}


def split_unit(field):
    """(name, unit) from an Exodus variable name "<name>_<unit tag>" (solver/io/dsexodus.c). Read
    from the name: pvbatch cannot import netCDF4 next to its own netCDF (it crashes)."""
    for tag in sorted(UNIT_TAGS, key=len, reverse=True):
        if field.endswith("_" + tag):
            return field[: -len(tag) - 1], UNIT_TAGS[tag]
    return field, "1"


def colour(display, view, field, lo, hi, name, unit):
    lut = GetColorTransferFunction(field)
    logscale = lo > 0 and hi / lo > 1e3  # a field with zeros (cells in part of the disc) stays linear
    if logscale:  # down to 1e-6 of the maximum: below that is trace level (an exosome field reaches 1e-130)
        lo = max(lo, hi * 1e-6)
        lut.MapControlPointsToLogSpace()
        lut.UseLogScale = 1
    lut.RescaleTransferFunction(lo, hi if hi > lo else lo + 1e-12 * max(1.0, abs(lo)))
    lut.AutomaticRescaleRangeMode = "Never"
    display.SetScalarBarVisibility(view, True)
    bar = GetScalarBar(lut, view)
    bar.Title = name
    bar.RangeLabelFormat = "%-#.3g"
    bar.ComponentTitle = ("[%s]" % unit if unit != "1" else "") + (" (log)" if logscale else "")
    return logscale


def camera(view, bounds, solid):
    centre = [0.5 * (bounds[2 * d] + bounds[2 * d + 1]) for d in range(3)]
    size = max(bounds[2 * d + 1] - bounds[2 * d] for d in range(3)) or 1.0
    view.CameraFocalPoint = centre
    if not solid:  # the plane, fitted by hand: ResetCamera misplaces all but the first 2D view of a process
        view.InteractionMode = "2D"
        view.CameraParallelProjection = 1
        view.CameraPosition = [centre[0], centre[1], centre[2] + 4 * size]
        view.CameraViewUp = [0, 1, 0]
        width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
        view.CameraParallelScale = 0.5 * 1.25 * max(height, width * HEIGHT / WIDTH)
        return
    view.CameraPosition = [centre[0] + 0.9 * size, centre[1] + 2.4 * size, centre[2] + 1.3 * size]  # facing the cut (y = 0)
    view.CameraViewUp = [0, 0, 1]
    view.ResetCamera()


def axes(view, solid, axisymmetric):
    grid = view.AxesGrid
    grid.Visibility = 1
    grid.XTitle, grid.YTitle, grid.ZTitle = ("r (mm)", "z (mm)", "") if axisymmetric and not solid else ("x (mm)", "y (mm)", "z (mm)")
    for a in ("XTitleFontSize", "YTitleFontSize", "ZTitleFontSize", "XLabelFontSize", "YLabelFontSize", "ZLabelFontSize"):
        setattr(grid, a, 14)


def picture(outdir, path, field, when):
    start = time.time()
    name = os.path.splitext(os.path.basename(path))[0]
    reader = OpenDataFile(path)
    bprop, fprop = block_and_field_properties(reader)
    available = list(reader.GetProperty(fprop).Available)
    if not field:  # the first preferred field that is not zero everywhere in the file's last step
        reader.UpdatePipeline(steps(reader)[-1] if steps(reader) else 0.0)
        present = [f for f in FIELD_CHOICE if f in available]
        field = next((f for f in present if reader.CellData[f].GetRange() != (0.0, 0.0)), present[0] if present else available[0])
    if field not in available:
        sys.exit("paraview_gallery: %s has no cell variable '%s' (has: %s)" % (path, field, " ".join(available)))
    times = steps(reader)
    t = times[-1] if (when is None and times) else min(times, key=lambda s: abs(s - when)) if times else 0.0
    reader.UpdatePipeline(t)
    bounds = reader.GetDataInformation().GetBounds()
    solid = bounds[5] - bounds[4] > 1e-9 * max(1.0, bounds[1] - bounds[0])
    view = CreateView("RenderView")
    SetActiveView(view)
    view.ViewSize = [WIDTH, HEIGHT]
    view.ViewTime = t
    view.OrientationAxesVisibility = 1 if solid else 0
    shown = reader
    if solid:  # open the disc: keep y <= 0
        shown = Clip(Input=reader, ClipType="Plane")
        shown.ClipType.Origin = [0.5 * (bounds[0] + bounds[1]), 0.5 * (bounds[2] + bounds[3]), 0.5 * (bounds[4] + bounds[5])]
        shown.ClipType.Normal = [0, 1, 0]
        shown.Crinkleclip = 1
    display = Show(shown, view)
    ColorBy(display, ("CELLS", field))
    lo, hi = reader.CellData[field].GetRange()
    logscale = colour(display, view, field, lo, hi, *split_unit(field))
    surface = ExtractSurface(Input=shown)  # FeatureEdges wants polygons (it crashes on cells)
    edges = FeatureEdges(Input=surface)  # region outlines: each block's boundary
    edges.BoundaryEdges, edges.FeatureEdges, edges.NonManifoldEdges, edges.ManifoldEdges = 1, 0, 1, 0
    ed = Show(edges, view)
    ed.AmbientColor = ed.DiffuseColor = [0.1, 0.1, 0.1]
    ed.LineWidth = 1.5
    ed.ColorArrayName = ["POINTS", ""]
    label = AnnotateTimeFilter(Input=reader)  # follows the time in the state file too
    label.Format, label.Scale = time_format(name, times)
    lab = Show(label, view)
    lab.FontSize = 16
    lab.WindowLocation = "Upper Left Corner"
    axes(view, solid, "axisymmetric" in name or not solid)
    camera(view, bounds, solid)
    Render(view)
    png = os.path.join(outdir, name + ".png")
    SaveScreenshot(png, view, ImageResolution=[WIDTH, HEIGHT])
    SaveState(os.path.join(outdir, name + ".pvsm"))
    print("%s: %s at %s, range [%.4g, %.4g]%s, %.1f s" % (name, field, time_label(name, times, t), lo, hi, " (log scale)" if logscale else "", time.time() - start))
    for proxy in (label, edges, surface, shown) if solid else (label, edges, surface):
        Delete(proxy)
    Delete(reader)
    Delete(view)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for item in sys.argv[2:]:
        parts = item.split(":")
        path, field = parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)
        when = float(parts[2]) if len(parts) > 2 else None
        picture(outdir, os.path.abspath(path), field, when)


main()
