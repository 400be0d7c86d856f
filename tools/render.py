"""Render one cell field of a discsim Exodus file with ParaView, headless.

    pvbatch tools/render.py FILE.exo FIELD OUT.png [--time T_hours | --last] [--block NAME]
    xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch tools/render.py FILE.exo FIELD OUT.png

FIELD is an element variable as written by solver/io/dsexodus.c ("<name>_<unit>", e.g.
"glucose_mM"). Without --time or --last the last time step is shown; --time picks the stored
step nearest to T hours. --block restricts the picture to one element block (NP, AF or CEP).
Prints, for scripts (tools/check_paraview.sh), lines of the form
    reader: IOSSReader
    cell_arrays: <cell arrays ParaView loaded, space separated>
    file_variables: <element variables in the file>
    blocks: <number> <names>
    time_steps: <number>
    time: <hours>
    range <FIELD>: <min> <max>
    screenshot: <OUT.png> 1200x800
and exits 1 when FIELD is not a cell variable of the file.
"""
import argparse
import sys

from paraview.simple import (ColorBy, GetColorTransferFunction, GetScalarBar, OpenDataFile, Render, SaveScreenshot, Show,
                             Text, CreateView)

WIDTH, HEIGHT = 1200, 800


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file")
    p.add_argument("field")
    p.add_argument("out")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--time", type=float, help="time in hours (the nearest stored step is shown)")
    when.add_argument("--last", action="store_true", help="the last time step (the default)")
    p.add_argument("--block", help="only this element block (NP, AF or CEP)")
    return p.parse_args()


def find_name(wanted, available):
    """Exact match first; IOSS lower-cases block names, so fall back to ignoring case."""
    if wanted in available:
        return wanted
    for name in available:
        if name.lower() == wanted.lower():
            return name
    return None


def selection_properties(reader):
    """(block property, cell-variable property): IOSSReader or the older ExodusIIReader."""
    if reader.GetProperty("ElementBlockFields") is not None:
        return "ElementBlocks", "ElementBlockFields"
    return "ElementBlocks", "ElementVariables"


def select(reader, args):
    """Load all blocks (or the one asked for) and only the chosen cell variable."""
    block_prop, var_prop = selection_properties(reader)
    blocks = list(reader.GetProperty(block_prop).Available)
    variables = list(reader.GetProperty(var_prop).Available)
    field = find_name(args.field, variables)
    chosen = blocks
    if args.block:
        name = find_name(args.block, blocks)
        if name is None:
            sys.exit("render.py: no element block '%s' in %s (blocks: %s)" % (args.block, args.file, " ".join(blocks)))
        chosen = [name]
    reader.SetPropertyWithName(block_prop, chosen)
    reader.SetPropertyWithName(var_prop, [field] if field else [])
    print("file_variables: " + " ".join(variables))
    return field, chosen


def time_steps(reader):
    times = reader.TimestepValues
    if times is None:
        return []
    return list(times) if hasattr(times, "__len__") else [times]


def choose_time(times, args):
    if not times:
        return 0.0
    if args.time is None:
        return times[-1]
    return min(times, key=lambda t: abs(t - args.time))


def place_camera(view, bounds):
    """2D meshes (flat in z) face the x-y plane; the 3D disc is seen from above at an angle."""
    centre = [0.5 * (bounds[2 * d] + bounds[2 * d + 1]) for d in range(3)]
    size = max(bounds[2 * d + 1] - bounds[2 * d] for d in range(3)) or 1.0
    view.CameraFocalPoint = centre
    if bounds[5] - bounds[4] <= 1e-12 * size:
        view.InteractionMode = "2D"
        view.CameraPosition = [centre[0], centre[1], centre[2] + 4 * size]
        view.CameraViewUp = [0, 1, 0]
        view.ResetCamera()
        view.CameraParallelScale *= 1.1  # a margin: ResetCamera fits a tall strip edge to edge
    else:
        view.CameraPosition = [centre[0] + 2 * size, centre[1] - 2 * size, centre[2] + 2.5 * size]
        view.CameraViewUp = [0, 0, 1]
        view.ResetCamera()


def render(reader, field, t, args):
    view = CreateView("RenderView")
    view.ViewSize = [WIDTH, HEIGHT]
    view.ViewTime = t
    view.OrientationAxesVisibility = 1
    display = Show(reader, view)
    ColorBy(display, ("CELLS", field))
    lo, hi = reader.CellData[field].GetRange()
    lut = GetColorTransferFunction(field)
    lut.RescaleTransferFunction(lo, hi if hi > lo else lo + 1e-12 * max(1.0, abs(lo)))
    display.SetScalarBarVisibility(view, True)
    bar = GetScalarBar(lut, view)
    bar.Title = field
    bar.ComponentTitle = ""
    label = Text(Text="%s   t = %g h" % (args.file.split("/")[-1], t))
    Show(label, view).FontSize = 14
    place_camera(view, reader.GetDataInformation().GetBounds())
    Render(view)
    SaveScreenshot(args.out, view, ImageResolution=[WIDTH, HEIGHT])


def main():
    args = parse_args()
    reader = OpenDataFile(args.file)
    if reader is None:
        sys.exit("render.py: ParaView cannot open %s" % args.file)
    print("reader: " + reader.GetXMLName())
    field, blocks = select(reader, args)
    times = time_steps(reader)
    t = choose_time(times, args)
    reader.UpdatePipeline(t)
    print("cell_arrays: " + " ".join(reader.CellData.keys()))
    print("blocks: %d %s" % (len(blocks), " ".join(blocks)))
    print("time_steps: %d" % len(times))
    print("time: %.9g" % t)
    if field is None or field not in reader.CellData.keys():
        sys.exit("render.py: '%s' is not a cell variable of %s" % (args.field, args.file))
    lo, hi = reader.CellData[field].GetRange()
    print("range %s: %.9g %.9g" % (field, lo, hi))
    render(reader, field, t, args)
    print("screenshot: %s %dx%d" % (args.out, WIDTH, HEIGHT))


main()
