#!/usr/bin/python3
"""discsim-study and tools/study_analyze.py against closed forms (doc/studies.md).

  test_study.py DISCSIM_STUDY SOURCE_ROOT

- Sobol indices of the Ishigami function (a = 7, b = 0.1) on the program's own Saltelli design:
  S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437 inside the 99 % bootstrap intervals.
- Morris on a linear function: mu* = |c_i| (b_i - a_i) and sigma = 0 (1e-9).
- A study with a member that must fail (NP wider than the endplate) finishes, the member marked
  with its reason, the others equal to the closed form of a cell-free slab (glucose = vertebra
  value, pH = 7.4 - lactate/11.11).
- Same seed, same table (byte for byte); another seed, another table; 2 ranks, the same table.
- Killed after 3 members (SIGKILL), resumed: the table equals the uninterrupted one byte for byte.
- Members that keep the mesh and steady solver of the one before give the same table byte for
  byte as members that set up their own (axisymmetric and 3D multigrid, 1 and 2 ranks).
- The netCDF table holds the CSV's values exactly, with units, NaN and the reason for a failed member.
- Bad study files are refused before any member runs, with the key and what is allowed.
"""
import filecmp, math, os, subprocess, sys, tempfile
import numpy as np
import pandas as pd

exe, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(root, "tools"))
import study_analyze as sa  # noqa: E402

here = os.path.join(root, "tests", "study")
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
work = tempfile.mkdtemp(prefix="test_study_")
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


def run(study, *args, ranks=1):
    cmd = (["mpiexec", "-n", str(ranks)] if ranks > 1 else []) + [exe, os.path.join(here, study)] + list(args)
    return subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True)


def table(name):
    return pd.read_csv(os.path.join(work, name), keep_default_na=False, na_values=[""])


def inputs(df):
    return [c for c in df.columns if "vertebra" in c]


# Ishigami on the planned Saltelli design
r = run("ishigami.yaml", "-study_design_only", "-study_output", "ish.csv")
df = table("ish.csv")
x = df[inputs(df)].to_numpy(float) - math.pi
q = "glucose_NP_centre@end [mM]"
df[q] = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
df["status"] = "ok"
rows = sa.analyze(df, nboot=1000, level=0.99, seed=1)
for row, s1, st in zip(rows, [0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]):
    check(row["S1_lo"] <= s1 <= row["S1_hi"], "Ishigami S1 %s = %.4f in [%.4f, %.4f] (exact %.4f)" % (row["input"], row["S1"], row["S1_lo"], row["S1_hi"], s1))
    check(row["ST_lo"] <= st <= row["ST_hi"], "Ishigami ST %s = %.4f in [%.4f, %.4f] (exact %.4f)" % (row["input"], row["ST"], row["ST_lo"], row["ST_hi"], st))
check(len(df) == 4096 * 5, "Saltelli design: N (k + 2) = %d members" % len(df))

# Morris on a linear function
r = run("linear.yaml", "-study_design_only", "-study_output", "lin.csv")
df = table("lin.csv")
c = np.array([2.0, -3.0, 0.5])
width = np.array([4.0, 1.0, 6.0])
df[q] = df[inputs(df)].to_numpy(float) @ c
df["status"] = "ok"
rows = sa.analyze(df)
for row, cj, wj in zip(rows, c, width):
    check(abs(row["mu_star"] - abs(cj) * wj) < 1e-9 and abs(row["sigma"]) < 1e-9 and row["n"] == 10,
          "Morris linear %s: mu* = %.12g (exact %g), sigma = %.2g, %d effects" % (row["input"], row["mu_star"], abs(cj) * wj, row["sigma"], row["n"]))

# a member that must fail
r = run("nocells.yaml", "-study_output", "nocells.csv")
check(r.returncode == 0, "study with a failing member finishes (exit %d)" % r.returncode)
df = table("nocells.csv")
bad = df[df["member"] == 1].iloc[0]
check(bad["status"] == "failed" and "mesh_np_fraction" in bad["reason"], "member 1 marked failed: %s" % bad["reason"])
ok = df[df["status"] == "ok"]
g = ok["glucose_NP_centre@end [mM]"] - ok["nutrient_glucose_vertebra [mM]"]
ph = ok["pH_NP_centre@end"] - (7.4 - ok["nutrient_lactate_vertebra [mM]"] / 11.11)
check(len(ok) == 3 and g.abs().max() < 1e-9 and ph.abs().max() < 1e-9,
      "the 3 others equal the closed form: glucose %.2g mM, pH %.2g" % (g.abs().max(), ph.abs().max()))

# the netCDF table: the CSV's values exactly (strtod of 17 digits), units, NaN and the reason where a member failed
import netCDF4  # noqa: E402
with netCDF4.Dataset(os.path.join(work, "nocells.nc")) as nc:
    csv = pd.read_csv(os.path.join(work, "nocells.csv"), keep_default_na=False, na_values=[""], float_precision="round_trip")
    same = all(np.array_equal(np.asarray(nc[v][:], dtype=float), csv[c].to_numpy(dtype=float), equal_nan=True)
               for v, c in [("nutrient_glucose_vertebra", "nutrient_glucose_vertebra [mM]"), ("glucose_NP_centre_at_end", "glucose_NP_centre@end [mM]")])
    check(same and nc["glucose_NP_centre_at_end"].units == "mM" and nc["status"][1] == "failed" and "mesh_np_fraction" in nc["reason"][1]
          and math.isnan(nc["glucose_NP_centre_at_end"][1]), "netCDF table = CSV table (values, units, failed member NaN with its reason)")

# 'uncertain: true' on the biology model varies every documented range (more than the old limit of 64 keys)
with open(os.path.join(work, "bio_uncertain.yaml"), "w") as f:
    f.write("set: {model: biology}\nuncertain: true\ndesign: {type: lhs, samples: 4}\nquantities: [glucose_NP_centre]\n")
r = subprocess.run([exe, os.path.join(work, "bio_uncertain.yaml"), "-study_design_only", "-study_output", "bio.csv"], env=env, cwd=work, capture_output=True, text=True)
ncols = len(open(os.path.join(work, "bio.csv")).readline().split(",")) if r.returncode == 0 else 0
check(r.returncode == 0 and ncols - 8 > 64, "uncertain biology study planned with %d varied keys (%s)" % (ncols - 8, r.stderr.strip()[-120:]))

# same seed, same table; another seed, another; two ranks, the same
run("lhs.yaml", "-study_output", "a.csv")
run("lhs.yaml", "-study_output", "b.csv")
check(filecmp.cmp(os.path.join(work, "a.csv"), os.path.join(work, "b.csv"), shallow=False), "same seed: the same table byte for byte")
df = table("a.csv")
g = (df["glucose_NP_centre@end [mM]"] - df["nutrient_glucose_vertebra [mM]"]).abs().max()
check((df["status"] == "ok").all() and g < 1e-9, "LHS members equal the closed form (%.2g mM)" % g)
u = np.sort((df["nutrient_lactate_vertebra [mM]"].to_numpy() / 0.5)) 
strata = np.floor(np.log(u) / np.log(4) * 8).astype(int)
check(sorted(strata) == list(range(8)), "Latin hypercube: one member in each of the 8 strata of the loguniform input")
open(os.path.join(work, "lhs_seed12.yaml"), "w").write(open(os.path.join(here, "lhs.yaml")).read().replace("seed: 11", "seed: 12"))
subprocess.run([exe, "lhs_seed12.yaml", "-study_output", "c.csv"], env=env, cwd=work, capture_output=True)
check(not filecmp.cmp(os.path.join(work, "a.csv"), os.path.join(work, "c.csv"), shallow=False), "another seed: another table")
r = run("lhs.yaml", "-study_output", "mpi.csv", ranks=2)
check(r.returncode == 0 and filecmp.cmp(os.path.join(work, "a.csv"), os.path.join(work, "mpi.csv"), shallow=False),
      "2 ranks (two members at once): the same table byte for byte" + ("" if r.returncode == 0 else ": " + r.stderr[-300:]))

# killed after 3 members, resumed
r = run("lhs.yaml", "-study_output", "k.csv", "-study_abort_after", "3")
journal = open(os.path.join(work, "k.csv.journal")).read().splitlines()
check(r.returncode != 0 and len(journal) == 4 and not os.path.exists(os.path.join(work, "k.csv")), "killed after 3 members: journal with 3 rows, no table")
r = run("lhs.yaml", "-study_output", "k.csv")
check("3 already in the journal" in r.stdout and "5 run now" in r.stdout, "resumed: 3 members not rerun, 5 run")
check(filecmp.cmp(os.path.join(work, "a.csv"), os.path.join(work, "k.csv"), shallow=False), "resumed table = uninterrupted table byte for byte")
r = run("lhs.yaml", "-study_output", "k.csv")
check(r.returncode != 0 and "refusing to overwrite" in r.stderr, "a finished table is not replaced")

# members that keep the mesh and steady solver of the one before (only model inputs vary) give the
# table of members that build everything themselves, byte for byte: axisymmetric (hypre) and 3D
# (geometric multigrid hierarchy kept), and on 2 ranks
for study, tag in (("reuse.yaml", "axisymmetric"), ("reuse3d.yaml", "3D multigrid")):
    r1 = run(study, "-study_output", "re1.csv", "-study_overwrite")
    r2 = run(study, "-study_output", "re2.csv", "-study_overwrite", "-study_reuse", "false")
    r3 = run(study, "-study_output", "re3.csv", "-study_overwrite", ranks=2)
    same = all(r.returncode == 0 for r in (r1, r2, r3)) and filecmp.cmp(os.path.join(work, "re1.csv"), os.path.join(work, "re2.csv"), shallow=False) \
        and filecmp.cmp(os.path.join(work, "re1.csv"), os.path.join(work, "re3.csv"), shallow=False)
    kept = "keeps the mesh and steady solver" in r1.stdout and "-study_reuse false" in r2.stdout
    check(same and kept and (table("re1.csv")["status"] == "ok").all(),
          "%s: set-up kept between members = set-up per member = 2 ranks, byte for byte%s" % (tag, "" if r1.returncode == 0 else ": " + r1.stderr[-300:]))
r = run("nocells.yaml", "-study_output", "nocells2.csv", "-study_overwrite")
check("every member sets up its own mesh (mesh keys vary)" in r.stdout, "a study varying a mesh key does not keep the mesh")

# bad input, refused before any member runs
for name, expect in [("bad_unknown_key", "vary nutrient_glucose_vertebrae: not a parameter"), ("bad_outside", "is not inside the allowed"),
                     ("bad_uncertain_none", "no documented plausible range"), ("bad_distribution", "allowed uniform, loguniform, normal, triangular"),
                     ("bad_quantity", "quantity 'glucose_NP_center' is not an output")]:
    r = run(name + ".yaml", "-study_output", name + ".csv")
    check(r.returncode != 0 and expect in r.stderr and not os.path.exists(os.path.join(work, name + ".csv.journal")), "%s refused: %s" % (name, r.stderr.strip()))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
