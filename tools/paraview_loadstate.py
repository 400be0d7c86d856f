"""Open ParaView state files written by tools/paraview_gallery.py and render them, headless.

    xvfb-run -a pvbatch tools/paraview_loadstate.py DATA_DIR STATE.pvsm OUT.png [STATE2.pvsm OUT2.png ...]

Each state's data file is looked up under DATA_DIR (as ParaView's Load State dialog does with
"Search files under specified directory"), so a state still opens after its folder moved. Several
states open one after another in one process, each in a fresh session. Prints, per state,
"NAME: sources <n>, cells <m>, screenshot OUT.png"; exit 1 if any state has no data."""
import os
import sys

from paraview.simple import GetActiveView, GetSources, LoadState, Render, ResetSession, SaveScreenshot

data_dir, pairs = sys.argv[1], sys.argv[2:]
if not pairs or len(pairs) % 2:
    sys.exit(__doc__)
bad = 0
for state, out in zip(pairs[0::2], pairs[1::2]):
    ResetSession()
    LoadState(state, data_directory=data_dir)
    sources = GetSources()
    view = GetActiveView()
    Render(view)
    SaveScreenshot(out, view, ImageResolution=[600, 400])
    cells = max([s.GetDataInformation().GetNumberOfCells() for s in sources.values()] or [0])
    print("%s: sources %d, cells %d, screenshot %s" % (os.path.splitext(os.path.basename(state))[0], len(sources), cells, out))
    bad += cells == 0
sys.exit(1 if bad else 0)
