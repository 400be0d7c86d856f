#!/usr/bin/python3
"""Write discsim's man page (roff) from the program's own grouped -help, so that the page lists
exactly the keys, units, defaults and ranges the program has (the parameter tables behind -help).

    tools/manpage.py DISCSIM OUT.1 [VERSION]

Run by the build (meson custom_target), installed by `meson install` as man1/discsim.1.
"""
import os
import re
import subprocess
import sys

HEAD = r""".TH DISCSIM 1 "" "discsim {version}" "User Commands"
.SH NAME
discsim \- nutrient, oxygen and pH fields of the intervertebral disc, with cell and exosome therapies
.SH SYNOPSIS
.B discsim
.RI [ SCENARIO.yaml ]
.RI [ \-key " " value " ...]"
.br
.B mpiexec \-n
.I N
.B discsim
.RI [ SCENARIO.yaml ]
.RI [ \-key " " value " ...]"
.br
.B discsim\-study
.I STUDY.yaml
.SH DESCRIPTION
discsim solves the diffusion of oxygen, glucose and lactate (pH) through the avascular disc
(nucleus pulposus NP, annulus fibrosus AF, cartilage endplates CEP) on a finite-volume mesh,
coupled to cell metabolism and, with \fB\-model biology\fR, to cell populations, matrix turnover,
MMP activity, inflammation and injected MSCs or exosomes. SUNDIALS CVODE integrates in time (or
PETSc SNES solves for the steady state); results are an Exodus II file for ParaView and a CSV
table of key figures.
.PP
A scenario file (YAML) holds keys as nested mappings (\fBmesh: {nr: 40}\fR is \fB\-mesh_nr 40\fR);
command-line keys override it. Units: lengths mm, times h (a time also takes a unit: 37d, 2w, 1y),
concentrations mM, diffusivities m^2/s, cell densities cells/mm^3. Every key below shows the
value in force, its unit and its allowed range.
.SH OPTIONS
"""

TAIL = r""".SH FILES
.TP
.I NAME.exo, NAME.csv
results (Exodus II, CSV), written as \fINAME.partial.exo\fR and \fINAME.partial.csv\fR while the
run goes on and renamed when it finishes.
.TP
.I NAME.checkpoint.nc
the state of a run, to continue it with \fB\-restart\fR after it was killed or failed.
.SH EXIT STATUS
0 on success; 1 on an error, which is printed as one line \fBdiscsim: error: ...\fR naming the key,
the value and what is allowed (bad input is refused before anything is computed).
.SH EXAMPLES
.nf
discsim examples/healthy_disc.yaml
discsim examples/exosome_dose.yaml \-injection1_dose 5e9 \-output_file half.exo
mpiexec \-n 2 discsim examples/disc3d.yaml
discsim examples/healthy_disc.yaml \-time_steady_method newton \-steady_sensitivity
.fi
.SH SEE ALSO
The documentation in the source tree: doc/running.md (keys and files), doc/parameters.md
(every default with its source), doc/studies.md (parameter studies), doc/reliability.md
(checkpoints, failures). PETSc's own options: \fBdiscsim \-help_petsc\fR.
"""


def roff(text):
    return text.replace("\\", "\\\\").replace("-", "\\-")


def main():
    discsim, out = sys.argv[1], sys.argv[2]
    version = sys.argv[3] if len(sys.argv) > 3 else ""
    # in a sanitizer build the program is instrumented: leaks are the test suite's business
    # (with tools/lsan.supp for Open MPI's), not the man page's
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1",
               ASAN_OPTIONS="detect_leaks=0")
    text = subprocess.run([discsim, "-help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, check=True).stdout
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("Mesh"))
    body = []
    for line in lines[start:]:
        if not line.strip() or line.startswith("PETSc's own options"):
            continue
        key = re.match(r"^  (-\S+)\s+(.*)$", line)
        if key:
            body.append(".TP\n.B %s\n%s" % (roff(key.group(1)), roff(key.group(2).strip())))
        elif line.startswith(" "):
            body.append(".PP\n.I %s" % roff(line.strip()))
        else:
            body.append(".SS %s" % roff(line.strip()))
    with open(out, "w") as f:
        f.write(HEAD.replace("{version}", version) + "\n".join(body) + "\n" + TAIL)


if __name__ == "__main__":
    main()
