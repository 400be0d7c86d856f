#!/usr/bin/env python3
"""Mesh convergence of the axisymmetric nutrient examples, uniform and graded grids.

Usage: /usr/bin/python3 bench/convergence/convergence.py [--discsim build/discsim] [--levels 6]
           [--cases healthy,reduced] [--candidates] [--quick] [--cache FILE]

For each case (examples/healthy_disc.yaml, and examples/calcified_endplate.yaml: CEP diffusivities
x 0.543, the reduced-endplate variant) and each grid family (uniform; graded: GRADED below) it
solves the steady state with Newton (-time_steady_method newton) on the refinement sequence
nr x nz = 50 x 25 * 2^k, k = 0 .. levels-1 (default 6 levels: 1600 x 800), and reads the key figures from the CSV: the NP-centre
pO2, glucose and lactate, the disc-wide minimum pO2 and glucose, and the total O2 consumption
(-oxygen_reaction, nmol/h).

Reference ("converged") values: Richardson extrapolation of the three finest grids of a family,
f_inf = f3 + (f3 - f2) / (2^p - 1) with p = log2((f1 - f2) / (f2 - f3)), taken from the graded
family when its p is in [0.5, 4] (the asymptotic range), else from the uniform family when its p
is, else the finest graded value (e.g. NP-centre values that change by 1e-5, not monotonically).
Both families' extrapolations are printed, with their difference, as a check. Errors are relative to the reference, in %; the observed
order between successive grids is log2(e_k / e_k+1).

--candidates: the meshes considered for the examples' default, each run as the example runs
(CVODE to steady state, the example's own settings), with its CPU and wall time (best of 3; CPU
time is the fairer measure on a shared machine) and its errors against the reference.
"""
import argparse, csv, json, math, os, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = {"healthy": "healthy_disc.yaml", "reduced": "calcified_endplate.yaml"}
GRADED = ["-mesh_grade_r", "12", "-mesh_grade_r_toward", "rim", "-mesh_grade_z", "12", "-mesh_grade_z_toward", "vertebra"]
# uniform must be said: the examples themselves are graded (mesh: grade_r, grade_z)
UNIFORM = ["-mesh_grade_r", "1", "-mesh_grade_z", "1"]
FAMILIES = {"uniform": UNIFORM, "graded": GRADED}
QUANTITIES = [  # (label, CSV column, sign)
    ("pO2 NP centre", "pO2_NP_centre [kPa]", 1),
    ("glucose NP centre", "glucose_NP_centre [mM]", 1),
    ("lactate NP centre", "lactate_NP_centre [mM]", 1),
    ("pO2 min", "pO2_min [kPa]", 1),
    ("glucose min", "glucose_min [mM]", 1),
    ("O2 consumption", "oxygen_reaction [nmol/h]", -1),
]
SHORT = ["pO2 c", "glc c", "lac c", "pO2 min", "glc min", "O2 cons"]
# meshes for the examples' default: (label, nr, nz, extra options)
CANDIDATES = [
    ("uniform 100x50 (before)", 100, 50, UNIFORM),
    ("uniform 140x70", 140, 70, UNIFORM),
    ("uniform 200x100", 200, 100, UNIFORM),
    ("graded 80x40", 80, 40, GRADED),
    ("graded 90x45", 90, 45, GRADED),
    ("graded 100x50", 100, 50, GRADED),
    ("graded 110x55", 110, 55, GRADED),
    ("graded 120x60", 120, 60, GRADED),
]


CACHE, CACHE_FILE, LAST_CPU = {}, None, [0.0]


def run(discsim, yaml, nr, nz, extra, tmp, newton=True):
    key = "|".join([yaml, str(nr), str(nz), " ".join(extra), "newton" if newton else "cvode"])
    if key in CACHE:
        return CACHE[key]
    out = os.path.join(tmp, "run.exo")
    cmd = [discsim, os.path.join(ROOT, "examples", yaml), "-mesh_nr", str(nr), "-mesh_nz", str(nz), "-output_file", out, "-output_overwrite", "-quiet"] + extra
    if newton:
        cmd += ["-time_steady_method", "newton"]
    t0, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    rows = list(csv.DictReader(open(os.path.join(tmp, "run.csv"))))
    last = rows[-1]
    if newton:  # the timed candidate runs are never cached
        CACHE[key] = ([sign * float(last[col]) for _, col, sign in QUANTITIES], wall)
        if CACHE_FILE:
            json.dump(CACHE, open(CACHE_FILE, "w"), indent=0)
    return [sign * float(last[col]) for _, col, sign in QUANTITIES], wall


def richardson(f1, f2, f3):
    """Extrapolated value and order from three grids refined by 2 (f3 finest). When the three do
    not converge monotonically at an order in [0.5, 4] they are not in the asymptotic range: the
    finest value is returned with the order as measured (flagged in the table)."""
    d1, d2 = f1 - f2, f2 - f3
    if d2 == 0:
        return f3, float("inf")
    if d1 == 0 or d1 / d2 <= 0:
        return f3, float("nan")
    p = math.log2(d1 / d2)
    if not 0.5 <= p <= 4:
        return f3, p
    return f3 - d2 / (2 ** p - 1), p


def sequence(discsim, yaml, extra, levels, tmp, base=(50, 25)):
    res = []
    for k in range(levels):
        nr, nz = base[0] * 2 ** k, base[1] * 2 ** k
        vals, wall = run(discsim, yaml, nr, nz, extra, tmp)
        res.append((nr, nz, vals, wall))
        print("  %-8s %4dx%-4d %7.1f s  " % ("graded" if extra == GRADED else "uniform", nr, nz, wall) + " ".join("%.8g" % v for v in vals), file=sys.stderr, flush=True)
    return res


def asymptotic(p):
    return 0.5 <= p <= 4


def reference(seqs):
    """Per quantity: the graded family's extrapolation when its three finest grids are in the
    asymptotic range, else the uniform family's when they are, else the finest graded value."""
    ref = []
    for q in range(len(QUANTITIES)):
        (fg, pg), (fu, pu) = seqs["graded"]["extrap"][q], seqs["uniform"]["extrap"][q]
        ref.append((fg, pg, "graded") if asymptotic(pg) else (fu, pu, "uniform") if asymptotic(pu) else (fg, pg, "finest graded grid"))
    return ref


def table(case, seqs, ref):
    print("\n### %s (%s)\n" % (case, CASES[case]))
    print("Richardson extrapolation of the three finest grids of each family (p: the order they show) and the reference taken:\n")
    print("| quantity | graded: extrapolated | p | uniform: extrapolated | p | relative difference | reference | from |")
    print("|---|---|---|---|---|---|---|---|")
    for q, (label, _, _) in enumerate(QUANTITIES):
        (fg, pg), (fu, pu) = seqs["graded"]["extrap"][q], seqs["uniform"]["extrap"][q]
        print("| %s | %.7g | %.2f | %.7g | %.2f | %.1e | %.7g | %s |" % (label, fg, pg, fu, pu, abs(fu - fg) / abs(fg), ref[q][0], ref[q][2]))
    print("\nRelative error against the reference, % (observed order to the next grid in brackets):\n")
    print("| grid | cells | " + " | ".join(SHORT) + " |")
    print("|---|---|" + "---|" * len(SHORT))
    for fam in FAMILIES:
        s = seqs[fam]["runs"]
        for k, (nr, nz, vals, wall) in enumerate(s):
            cells = []
            for q in range(len(QUANTITIES)):
                e = abs(vals[q] - ref[q][0]) / abs(ref[q][0])
                txt = "%.3f" % (100 * e)
                if k + 1 < len(s):
                    e2 = abs(s[k + 1][2][q] - ref[q][0]) / abs(ref[q][0])
                    if e > 0 and e2 > 0:
                        txt += " (%.2f)" % math.log2(e / e2)
                cells.append(txt)
            print("| %s %dx%d | %d | %s |" % (fam, nr, nz, nr * nz, " | ".join(cells)))


def candidates(discsim, case, ref, tmp):
    print("\nCandidate default meshes for %s, run as the example runs (CVODE to steady state); CPU time (user + system) and wall time, best of 3:\n" % CASES[case])
    print("| mesh | CPU s | wall s | CPU / first row | pO2 min % | glucose min % | O2 consumption % | NP centre worst % | all three within 0.5 %? |")
    print("|---|---|---|---|---|---|---|---|---|")
    base = None
    for label, nr, nz, extra in CANDIDATES:
        walls, cpus = [], []
        for _ in range(3):
            vals, wall = run(discsim, CASES[case], nr, nz, extra, tmp, newton=False)
            walls.append(wall), cpus.append(LAST_CPU[0])
        base = base or min(cpus)
        err = [100 * abs(vals[q] - ref[q][0]) / abs(ref[q][0]) for q in range(len(QUANTITIES))]
        ok = max(err[3], err[4], err[5]) <= 0.5
        print("| %s | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %s |" % (label, min(cpus), min(walls), min(cpus) / base, err[3], err[4], err[5], max(err[:3]), "yes" if ok else "no"), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--discsim", default=os.path.join(ROOT, "build", "discsim"))
    ap.add_argument("--levels", type=int, default=6, help="grids per sequence (finest 50x25 * 2^(levels-1))")
    ap.add_argument("--cases", default="healthy,reduced")
    ap.add_argument("--candidates", action="store_true", help="also time and rate the candidate default meshes")
    ap.add_argument("--quick", action="store_true", help="3 levels: a smoke run, not converged")
    ap.add_argument("--cache", help="JSON file of the Newton results: reused when present, extended as runs finish")
    a = ap.parse_args()
    global CACHE_FILE
    if a.cache:
        CACHE_FILE = a.cache
        if os.path.exists(a.cache):
            CACHE.update({k: tuple(v) for k, v in json.load(open(a.cache)).items()})
    levels = 3 if a.quick else a.levels
    assert levels >= 3, "Richardson extrapolation needs 3 grids"
    print("discsim mesh convergence: %s; grids 50x25 * 2^k, k = 0..%d; graded = %s" % (a.discsim, levels - 1, " ".join(GRADED)))
    with tempfile.TemporaryDirectory() as tmp:
        for case in a.cases.split(","):
            seqs = {}
            for fam, extra in FAMILIES.items():
                runs = sequence(a.discsim, CASES[case], extra, levels, tmp)
                extrap = [richardson(*(r[2][q] for r in runs[-3:])) for q in range(len(QUANTITIES))]
                seqs[fam] = {"runs": runs, "extrap": extrap}
            ref = reference(seqs)
            table(case, seqs, ref)
            if a.candidates:
                candidates(a.discsim, case, ref, tmp)


if __name__ == "__main__":
    main()
