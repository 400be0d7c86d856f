"""Open a ParaView state file written by tools/paraview_gallery.py and render it, headless.

    xvfb-run -a pvbatch tools/paraview_loadstate.py STATE.pvsm DATA_DIR OUT.png

The state's data file is looked up under DATA_DIR (as ParaView's Load State dialog does with
"Search files under specified directory"), so a state still opens after its folder moved.
Prints "sources: <n>" and "screenshot: OUT.png"; exit 1 if the state has no data or the
picture is empty."""
import sys

from paraview.simple import GetActiveView, GetSources, LoadState, Render, SaveScreenshot

state, data_dir, out = sys.argv[1:4]
LoadState(state, data_directory=data_dir)
sources = GetSources()
print("sources: %d" % len(sources))
view = GetActiveView()
Render(view)
SaveScreenshot(out, view, ImageResolution=[600, 400])
cells = max(s.GetDataInformation().GetNumberOfCells() for s in sources.values())
print("cells: %d" % cells)
print("screenshot: %s" % out)
sys.exit(0 if cells > 0 else 1)
