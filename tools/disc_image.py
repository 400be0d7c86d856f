#!/usr/bin/python3
"""Synthetic labelled images of a disc for discsim's image mesh (-mesh_type image, doc/meshes.md).

  tools/disc_image.py OUT.nii[.gz]
      the example disc (examples/image_disc.yaml): 40 x 40 x 20 voxels of 1.25 x 1.25 x 0.7 mm,
      a lordotic wedge (13 mm anterior, 9 mm posterior), kidney-like outline with a flat
      posterior wall, NP off-centre toward posterior, one-voxel endplates over the inner 80 %
      of the disc, and a posterior herniation of NP right of the midline; stored flipped in x and
      y (the file's i axis runs toward -x, j toward -y: as many scanners store axial images),
      centred at world (-4, 22, -35) mm (RAS+)
  tools/disc_image.py --analytic OUT.nii[.gz] NX NY NZ SEMI_AP SEMI_LAT HEIGHT CEP_THICKNESS
      the analytic 3D disc of -mesh_type 3d (mesh/dsmesh.c) at the cell centres of its grid,
      with the default NP and CEP fractions; discsim's x (AP) and y (lateral) are the world x
      and y; the image's voxels coincide with the 3D mesh's cells when the z cells are uniform

Labels: background 0, NP 1, AF 2, CEP 3 (discsim's default -mesh_image_np/af/cep).
The NIfTI-1 file is written with numpy alone (Debian 12 has no python3-nibabel): header of 348
bytes, sform_code 1 (scanner), qform_code 0, xyzt_units mm, uint8 voxels with i fastest; .gz files
are compressed with a zero time stamp, so the same call writes the same bytes.
"""
import gzip
import struct
import sys

import numpy as np

NP, AF, CEP = 1, 2, 3
NP_FRACTION, CEP_FRACTION = 0.64, 0.8  # mesh/dsmesh.c defaults (doc/parameters.md)
DTYPES = {"uint8": (2, 8), "int16": (4, 16), "int32": (8, 32), "float32": (16, 32), "float64": (64, 64), "uint16": (512, 16)}


def nifti_bytes(labels, affine, dtype="uint8", sform_code=1, xyzt_units=2):
    """A single-file NIfTI-1 image (n+1) of labels[i, j, k] with this 4x4 voxel-to-world affine (mm)."""
    labels = np.asarray(labels)
    code, bitpix = DTYPES[dtype]
    affine = np.asarray(affine, dtype=float)
    dim = [3, *labels.shape, 1, 1, 1, 1]
    pixdim = [1.0] + [float(np.linalg.norm(affine[:3, a])) for a in range(3)] + [0.0] * 4
    hdr = struct.pack("<i10s18sihbb8h3fhhhh8ffffhbbffffii80s24shh6f4f4f4f16s4s",
                      348, b"", b"", 0, 0, 0, 0, *dim, 0.0, 0.0, 0.0, 0, code, bitpix, 0, *pixdim,
                      352.0, 1.0, 0.0, 0, 0, xyzt_units, 0.0, 0.0, 0.0, 0.0, 0, 0,
                      b"discsim synthetic label image", b"", 0, sform_code, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                      *affine[0], *affine[1], *affine[2], b"", b"n+1\0")
    assert len(hdr) == 348
    data = labels.astype(np.dtype(dtype).newbyteorder("<")).tobytes(order="F")  # i fastest
    return hdr + b"\0\0\0\0" + data


def write_nifti(path, labels, affine, **kw):
    raw = nifti_bytes(labels, affine, **kw)
    if path.endswith(".gz"):
        with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
            g.write(raw)
    else:
        with open(path, "wb") as f:
            f.write(raw)


def example_disc():
    """Labels and affine of the example disc (see the module's doc)."""
    n, h = np.array([40, 40, 20]), np.array([1.25, 1.25, 0.7])
    centre = np.array([-4.0, 22.0, -35.0])
    # disc-relative coordinates of the voxel centres in world orientation: u lateral (x), v AP (y,
    # anterior +), w superior (z); file axes i, j run against x, y
    i, j, k = np.meshgrid(*[np.arange(m) for m in n], indexing="ij")
    u = -(i - (n[0] - 1) / 2) * h[0]
    v = -(j - (n[1] - 1) / 2) * h[1]
    w = (k - (n[2] - 1) / 2) * h[2]
    a_lat, a_ap = 24.0, 17.0
    rho = np.sqrt((u / a_lat) ** 2 + (v / a_ap) ** 2)             # elliptical radius of the outline
    inside = (rho < 1) & (v > -14.0)                              # flat posterior wall at v = -14 mm
    half = 0.5 * (11.0 + 2.0 * v / a_ap)                          # wedge: 13 mm anterior, 9 mm posterior
    disc = inside & (np.abs(w) < half)
    labels = np.where(disc, AF, 0)
    nucleus = ((u / 14.0) ** 2 + ((v + 2.0) / 9.0) ** 2 < 1) & disc
    labels[nucleus] = NP
    # endplates: the top and bottom disc voxel of every column over the inner 80 % of the outline
    col = disc.any(axis=2)
    top = np.where(col, n[2] - 1 - np.argmax(disc[:, :, ::-1], axis=2), -1)
    bot = np.where(col, np.argmax(disc, axis=2), -1)
    cover = col & (rho[:, :, 0] < CEP_FRACTION)
    for kk in range(n[2]):
        layer = cover & ((top == kk) | (bot == kk))
        labels[:, :, kk][layer] = CEP
    # posterior herniation right of the midline: NP through the AF, 4 mm beyond the posterior wall
    hern = (v > -18.0) & (v < -8.0) & (np.abs(u - 5.0) < 3.0) & (np.abs(w) < 2.0)
    labels[hern] = NP
    affine = np.diag([-h[0], -h[1], h[2], 1.0])
    affine[:3, 3] = centre + np.array([(n[0] - 1) / 2 * h[0], (n[1] - 1) / 2 * h[1], -(n[2] - 1) / 2 * h[2]])
    return labels.astype(np.uint8), affine


def analytic_disc(nx, ny, nz, semi_ap, semi_lat, height, cep):
    """The regions of mesh/dsmesh.c's 3D disc at its cell centres (same formulas, same order of
    operations), on uniform z cells; affine: voxel centres at those cell centres."""
    xf = [-semi_ap + 2 * semi_ap * np.arange(nx + 1) / nx, -semi_lat + 2 * semi_lat * np.arange(ny + 1) / ny]
    xc, yc = [0.5 * (f[:-1] + f[1:]) for f in xf]
    zc = (np.arange(nz) + 0.5) * (height / nz)
    x, y, z = np.meshgrid(xc, yc, zc, indexing="ij")

    def r2(frac):
        a, b = frac * semi_ap, frac * semi_lat
        return x * x / (a * a) + y * y / (b * b)

    layer = (z < cep) | (z > height - cep)
    labels = np.where(r2(NP_FRACTION) < 1.0, NP, AF)
    labels = np.where(layer, np.where(r2(CEP_FRACTION) < 1.0, CEP, AF), labels)
    labels = np.where(r2(1.0) > 1.0, 0, labels)
    dx, dy, dz = 2 * semi_ap / nx, 2 * semi_lat / ny, height / nz
    affine = np.diag([dx, dy, dz, 1.0])
    affine[:3, 3] = [xc[0], yc[0], zc[0]]
    return labels.astype(np.uint8), affine


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("-"):
        write_nifti(argv[1], *example_disc())
    elif len(argv) == 10 and argv[1] == "--analytic":
        nx, ny, nz = (int(a) for a in argv[3:6])
        write_nifti(argv[2], *analytic_disc(nx, ny, nz, *(float(a) for a in argv[6:10])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
