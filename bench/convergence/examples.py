#!/usr/bin/python3
"""Mesh convergence of an example's figures: the measurement behind each example's default mesh
(doc/meshes.md, "Every example's mesh").

    /usr/bin/python3 bench/convergence/examples.py --example NAME [--build build] [--newton]
                                                   [--time-final H] [--meshes LABEL,...]

NAME is one of the EXAMPLES below. The example runs as a user runs it (its own scenario file,
CVODE unless --newton), once per mesh of its refinement sequence (each mesh twice as fine as the
one before in every refined direction) and once per candidate mesh (e.g. graded ones). From each
run's CSV it takes the three figures issue 13 names, over the run where the example is transient:

  glucose min   the lowest disc-wide minimum glucose at the outputs (after the first dose, when
                the example doses), mM
  pO2 min       the same for pO2, kPa
  O2 cons       the disc's total O2 consumption at the last output (-oxygen_reaction), nmol/h

and the example's own key figures. For each figure it prints the values, the observed order p
from the three finest meshes of the sequence, the Richardson extrapolation f3 + (f3 - f2)/(2^p - 1)
(the reference; when the differences do not shrink monotonically, or p is outside [0.3, 4], the
finest value is the reference instead, marked "finest"), and each mesh's error against it in %,
then each mesh's wall time. The example "image_disc" has no refinement sequence: its mesh is the
image's voxels, and the errors are those of resampling (-mesh_image_coarsen N) against the voxels.

--cache FILE keeps each run's figures and wall time in FILE (JSON) and reuses them: a second call
with more candidates runs only the new meshes.

--newton solves steady examples with -time_steady_method newton (same steady state to 1e-9,
doc/solver.md; faster on fine meshes). --time-final shortens a transient example (say so when
quoting the numbers); --output-times then replaces output times beyond it.
"""
import argparse, json, math, os, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import discsim_load  # noqa: E402

UNIFORM = ["-mesh_grade_r", "1", "-mesh_grade_z", "1"]
GRADED = ["-mesh_grade_r", "12", "-mesh_grade_z", "12"]  # toward the rim and the vertebrae (defaults)


def axi(nr, nz, grade=None):
    """An axisymmetric mesh: (label, options)."""
    if grade:
        return ("graded%g %dx%d" % (grade, nr, nz), ["-mesh_nr", str(nr), "-mesh_nz", str(nz), "-mesh_grade_r", str(grade), "-mesh_grade_z", str(grade)])
    return ("%dx%d" % (nr, nz), ["-mesh_nr", str(nr), "-mesh_nz", str(nz)] + UNIFORM)


def d3(nx, ny, nz, grade=1):
    label = "%dx%dx%d" % (nx, ny, nz) + (" z graded%g" % grade if grade != 1 else "")
    return (label, ["-mesh_nx", str(nx), "-mesh_ny", str(ny), "-mesh_nz", str(nz), "-mesh_grade_z", str(grade)])


def lowest(col, after=None):
    def f(d):
        s = d[col] if after is None else d.loc[d.index >= after, col]
        return s.min() if len(s) else float("nan")  # nan: a run shortened to before `after`
    return f


def at(col, t=None):
    return lambda d: d[col].iloc[-1] if t is None else d.loc[t, col] if t in d.index else float("nan")


def consumption(d):
    return -d["oxygen_reaction"].iloc[-1]


def common(after=None):
    return [("glucose min [mM]", lowest("glucose_min", after)), ("pO2 min [kPa]", lowest("pO2_min", after)),
            ("O2 cons [nmol/h]", consumption)]


def viable(region):
    return lambda d: d["cells_native_" + region].iloc[-1] / d["cells_native_" + region].iloc[0]


def viable_disc(d):
    tot = d["cells_native_NP"] + d["cells_native_AF"] + d["cells_native_CEP"]
    return tot.iloc[-1] / tot.iloc[0]


EXAMPLES = {
    "healthy_disc": dict(
        sequence=[axi(50 * 2 ** k, 25 * 2 ** k, 12) for k in range(4)],
        candidates=[axi(100, 50)],
        figures=common() + [("glucose NP centre [mM]", at("glucose_NP_centre")), ("pO2 NP centre [kPa]", at("pO2_NP_centre"))]),
    "cell_injection": dict(
        sequence=[axi(20 * 2 ** k, 10 * 2 ** k, 12) for k in range(4)],
        candidates=[axi(40, 20), axi(80, 40), axi(60, 30, 12)],
        figures=common(168) + [("glucose NP centre 192 h [mM]", at("glucose_NP_centre", 192)),
                               ("cells_injected_disc 888 h [cells]", at("cells_injected_disc")),
                               ("mmp NP mean 888 h", at("mmp_NP_mean")), ("lowest pH min after the dose", lowest("pH_min", 168))]),
    "exosome_dose": dict(
        sequence=[axi(20 * 2 ** k, 10 * 2 ** k, 12) for k in range(4)],
        candidates=[axi(40, 20), axi(80, 40), axi(60, 30, 12)],
        figures=common(168) + [("BMSC vesicles in the disc 180 h", at("exo_bmsc_total_disc", 180)),
                               ("BMSC vesicles internalised 348 h", at("exo_bmsc_internal_disc", 348)),
                               ("PLMSC vesicles in the disc at the end", at("exo_plmsc_total_disc")),
                               ("aggrecan NP mean at the end", at("aggrecan_NP_mean"))]),
    "degeneration_years": dict(
        sequence=[axi(15 * 2 ** k, 8 * 2 ** k, 12) for k in range(4)],
        candidates=[axi(30, 16), axi(60, 32), axi(120, 64), axi(240, 128), axi(90, 48, 12), axi(140, 70, 12), axi(160, 80, 12)],
        figures=common() + [("aggrecan NP mean at the end", at("aggrecan_NP_mean")),
                            ("collagen2 NP mean at the end", at("collagen2_NP_mean")),
                            ("mmp NP mean at the end", at("mmp_NP_mean"))]),
    "endplate_exchange": dict(
        sequence=[axi(25 * 2 ** k, 13 * 2 ** k, 12) for k in range(4)],
        candidates=[axi(100, 50), axi(70, 35, 12), axi(100, 50, 12), axi(120, 60, 12), axi(140, 70, 12)],
        figures=common() + [("viable NP", viable("NP")), ("viable disc", viable_disc)]),
    "slab": dict(
        sequence=[("nz %d" % (25 * 2 ** k), ["-mesh_nz", str(25 * 2 ** k)]) for k in range(6)],
        candidates=[("nz 10", ["-mesh_nz", "10"]), ("nz 20", ["-mesh_nz", "20"])],
        figures=common() + [("glucose centre [mM]", at("glucose_NP_centre"))]),
    "disc3d": dict(
        sequence=[d3(20 * 2 ** k, 30 * 2 ** k, 11 * 2 ** k, 4) for k in range(4)],
        candidates=[d3(20, 30, 11), d3(40, 60, 22), d3(80, 120, 44), d3(40, 60, 22, 2), d3(40, 60, 16, 4), d3(60, 90, 22, 4),
                    d3(60, 90, 32, 4), d3(80, 120, 32, 4)],
        figures=common() + [("glucose NP centre [mM]", at("glucose_NP_centre"))]),
    "image_disc": dict(
        sequence=[], reference=("voxels", ["-mesh_image_coarsen", "1"]),
        candidates=[("voxels", ["-mesh_image_coarsen", "1"]), ("coarsen 2", ["-mesh_image_coarsen", "2"]), ("coarsen 3", ["-mesh_image_coarsen", "3"])],
        figures=common() + [("glucose NP centre [mM]", at("glucose_NP_centre")), ("pO2 NP centre [kPa]", at("pO2_NP_centre"))]),
}


def run(build, name, opts, extra, work):
    out = os.path.join(work, "r.exo")
    cmd = [os.path.join(build, "discsim"), os.path.join(ROOT, "examples", name + ".yaml")] + opts + extra + ["-output_file", out, "-output_overwrite", "-quiet"]
    t0, c0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall, c1 = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stdout[-2000:] + r.stderr[-2000:]))
    return discsim_load.load_csv(out[:-4] + ".csv").figures, wall, c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime


def reference(seq):
    """(value, order or None) from the three finest values of a factor-2 sequence."""
    f1, f2, f3 = seq[-3:]
    if f2 != f3 and (f1 - f2) / (f2 - f3) > 1:
        p = math.log((f1 - f2) / (f2 - f3)) / math.log(2)
        if 0.3 <= p <= 4:
            return f3 + (f3 - f2) / (2 ** p - 1), p
    return f3, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--example", required=True, choices=sorted(EXAMPLES))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--newton", action="store_true")
    ap.add_argument("--time-final", type=float)
    ap.add_argument("--output-times", help="replaces the example's output times (h, comma-separated: with --time-final)")
    ap.add_argument("--no-candidates", action="store_true")
    ap.add_argument("--cache")
    a = ap.parse_args()
    ex = EXAMPLES[a.example]
    extra = (["-time_steady_method", "newton"] if a.newton else []) + (["-time_final", "%g" % a.time_final] if a.time_final else []) + \
        (["-output_times", a.output_times] if a.output_times else [])
    meshes = ex["sequence"] + ([] if a.no_candidates else [m for m in ex["candidates"] if m not in ex["sequence"]])
    vals, walls, cpus = {}, {}, {}
    cache = json.load(open(a.cache)) if a.cache and os.path.exists(a.cache) else {}
    with tempfile.TemporaryDirectory() as work:
        for label, opts in meshes:
            key = " ".join([a.example] + opts + extra)
            if key not in cache:
                d, wall, cpu = run(a.build, a.example, opts, extra, work)
                cache[key] = ([float(f(d)) for _, f in ex["figures"]], wall, cpu)
                if a.cache:
                    json.dump(cache, open(a.cache, "w"))
            vals[label], walls[label] = cache[key][:2]
            cpus[label] = cache[key][2] if len(cache[key]) > 2 else float("nan")
            print("%s: %.1f s" % (label, walls[label]), file=sys.stderr, flush=True)
    labels = [m[0] for m in meshes]
    print("discsim mesh convergence of examples/%s.yaml; extra options: %s" % (a.example, " ".join(extra) or "none"))
    print()
    print("| figure | " + " | ".join(labels) + " | order | reference |")
    print("|---" * (len(labels) + 3) + "|")
    refs = []
    for i, (fig, _) in enumerate(ex["figures"]):
        if ex["sequence"]:
            ref, p = reference([vals[m[0]][i] for m in ex["sequence"]])
            how = ("%.2f" % p, "%.7g" % ref) if p else ("not monotone", "%.7g (finest)" % ref)
        else:
            ref, how = vals[ex["reference"][0]][i], ("-", "%.7g (voxels)" % vals[ex["reference"][0]][i])
        refs.append(ref)
        print("| %s | " % fig + " | ".join("%.6g" % vals[m][i] for m in labels) + " | %s | %s |" % how)
    print()
    print("Error against the reference, %, and the run's wall and CPU time (CPU time is the fairer")
    print("measure on a shared machine; nan: not recorded):")
    print()
    print("| mesh | " + " | ".join(f for f, _ in ex["figures"]) + " | largest of the first three | wall time (s) | CPU time (s) |")
    print("|---" * (len(ex["figures"]) + 4) + "|")
    for m in labels:
        err = [100 * abs(vals[m][i] - refs[i]) / abs(refs[i]) if refs[i] else float("nan") for i in range(len(refs))]
        print("| %s | " % m + " | ".join("%.3f" % e for e in err) + " | %.3f | %.1f | %.1f |" % (max(err[:3]), walls[m], cpus[m]))


if __name__ == "__main__":
    main()
