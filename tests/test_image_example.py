#!/usr/bin/python3
"""The image example end to end: tools/disc_image.py writes exactly the committed
examples/disc_image.nii.gz; examples/image_disc.yaml runs on it; the Exodus file puts every
element where its voxel is in the world (the header's affine, computed here with numpy from the
script's own labels and affine, not by discsim), one element per labelled voxel in the block of
its label.  Usage: test_image_example.py DISCSIM SOURCE_ROOT"""
import os
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np


def main(discsim, root):
    sys.path.insert(0, os.path.join(root, "tools"))
    import disc_image
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "disc.nii.gz")
        subprocess.run(["/usr/bin/python3", os.path.join(root, "tools", "disc_image.py"), img], check=True)
        with open(img, "rb") as a, open(os.path.join(root, "examples", "disc_image.nii.gz"), "rb") as b:
            assert a.read() == b.read(), "examples/disc_image.nii.gz differs from what tools/disc_image.py writes: regenerate it"
        exo = os.path.join(tmp, "run.exo")
        out = subprocess.run([discsim, os.path.join(root, "examples", "image_disc.yaml"), "-mesh_image_file", img, "-output_file", exo,
                              "-output_csv", os.path.join(tmp, "run.csv"), "-quiet"], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
        labels, affine = disc_image.example_disc()
        A = affine.astype(np.float32).astype(float)  # the header stores float32
        h = np.abs(np.diag(A)[:3])
        with netCDF4.Dataset(exo) as d:
            xyz = np.stack([np.asarray(d.variables[c][:], dtype=float) for c in ("coordx", "coordy", "coordz")], axis=1)
            names = ["".join(c.decode() for c in row if c is not np.ma.masked) for row in d.variables["eb_names"][:]]
            for b, name in enumerate(names):
                lab = {"NP": 1, "AF": 2, "CEP": 3}[name]
                conn = np.asarray(d.variables["connect%d" % (b + 1)][:]) - 1
                centres = xyz[conn].mean(axis=1)
                ijk = np.argwhere(labels == lab)
                want = (A[:3, :3] @ ijk.T).T + A[:3, 3]
                assert len(centres) == len(want), f"{name}: {len(centres)} elements, {len(want)} voxels"
                order = lambda p: p[np.lexsort(np.round(p, 4).T[::-1])]
                err = np.abs(order(centres) - order(want)).max()
                assert err < 1e-4, f"{name}: element centres differ from the voxel centres by {err} mm"
                size = np.abs(xyz[conn].max(axis=1) - xyz[conn].min(axis=1))
                assert np.abs(size - h).max() < 1e-4, f"{name}: elements are not voxel-sized"
            ijk = np.argwhere(labels > 0)
            c = (A[:3, :3] @ ijk.T).T + A[:3, 3]
            lo, hi = c.min(axis=0) - h / 2, c.max(axis=0) + h / 2
            assert np.abs(xyz.min(axis=0) - lo).max() < 1e-4 and np.abs(xyz.max(axis=0) - hi).max() < 1e-4, (xyz.min(axis=0), xyz.max(axis=0), lo, hi)
    print("image example: committed image reproduced; Exodus box x [%.3f, %.3f] y [%.3f, %.3f] z [%.3f, %.3f] mm = the labelled voxels' box from the affine" % (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
