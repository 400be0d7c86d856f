#!/usr/bin/python3
"""Study throughput: members per second of discsim-study, against one steady solve.

Usage: /usr/bin/python3 bench/study/throughput.py [--build build] [--members 1000] [--repeat 3]

The study is the issue's case: the axisymmetric healthy disc (examples/healthy_disc.yaml, its
default 100x50 graded mesh) solved to steady state by Newton, with four nutrient inputs drawn
by a Latin hypercube over their documented plausible ranges and two quantities per member. It
runs on 1 rank and on 2 ranks (two groups of one rank). The reference is one `discsim` run of the
same scenario with -log_view: its SNESSolve time ("own solve time", median of --repeat runs) and
its whole-process wall time. Printed: wall time, members/s, the cost of one member on one rank
(wall x ranks / members), that cost over the own solve time, and the speed-up from 1 to 2 ranks.
Timing lives here, never in the test suite.
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
SCENARIO = os.path.join(ROOT, "examples", "healthy_disc.yaml")
STUDY = """base: {base}
set:
  time_steady_method: newton
vary:
  nutrient_glucose_vertebra: uncertain
  nutrient_pO2_vertebra: uncertain
  nutrient_cells_NP: uncertain
  nutrient_oxygen_rate_factor: {{distribution: loguniform, range: [0.5, 2]}}
design: {{type: lhs, samples: {n}}}
quantities: [glucose_NP_centre, glucose_min]
seed: 11
"""


def single_solve(discsim, work):
    """SNESSolve time and whole wall time of one steady Newton run (s)."""
    out = os.path.join(work, "single.exo")
    t0 = time.perf_counter()
    r = subprocess.run([discsim, SCENARIO, "-time_steady_method", "newton", "-output_file", out, "-output_overwrite", "-quiet", "-log_view"],
                       env=ENV, cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode:
        sys.exit("single run failed: " + r.stderr[-500:])
    m = re.search(r"^SNESSolve\s+\d+\s+\S+\s+(\S+)", r.stdout, re.M)
    return float(m.group(1)), wall


def study(exe, work, n, ranks):
    path = os.path.join(work, "throughput.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(base=SCENARIO, n=n))
    cmd = (["mpiexec", "-n", str(ranks)] if ranks > 1 else []) + [exe, path, "-study_overwrite", "-study_output", os.path.join(work, "t%d.csv" % ranks)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=ENV, cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode:
        sys.exit("study failed: " + r.stderr[-500:])
    ok = re.search(r"(\d+) ok, (\d+) failed", r.stdout)
    return wall, int(ok.group(1)), int(ok.group(2))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    discsim, exe = os.path.join(a.build, "discsim"), os.path.join(a.build, "discsim-study")
    with tempfile.TemporaryDirectory(prefix="ds_throughput_") as work:
        singles = [single_solve(discsim, work) for _ in range(a.repeat)]
        solve = statistics.median(s[0] for s in singles)
        whole = statistics.median(s[1] for s in singles)
        rows = {}
        for ranks in (1, 2):
            rows[ranks] = study(exe, work, a.members, ranks)
    print("one steady Newton solve of %s: SNESSolve %.3f s, whole process %.3f s (median of %d)\n" % (os.path.basename(SCENARIO), solve, whole, a.repeat))
    print("| ranks | members | ok | failed | wall [s] | members/s | cost per member on one rank [s] | / own solve time | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    for ranks, (wall, ok, failed) in rows.items():
        cost = wall * ranks / a.members
        print("| %d | %d | %d | %d | %.1f | %.2f | %.3f | %.2f | %s |" % (ranks, a.members, ok, failed, wall, a.members / wall, cost, cost / solve,
                                                                         "%.2f" % (rows[1][0] / wall) if ranks > 1 else "1"))


if __name__ == "__main__":
    main()
