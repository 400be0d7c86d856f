#!/bin/sh
# check_paraview.sh FILE.exo FIELD [OUT.png]
#
# Check that ParaView 5.11 (pvbatch, headless under xvfb-run) opens a discsim Exodus file: it
# must find FIELD as cell data, see at least one time step, and render a non-empty PNG
# (default OUT.png: FILE.exo with .FIELD.png appended). Exit 0 on success, 1 on a failed
# check, 2 on a usage error or missing tools. The output of tools/render.py is echoed.
set -u
set -f # cell-array names are split on blanks below, never globbed

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 FILE.exo FIELD [OUT.png]" >&2
  exit 2
fi
file=$1
field=$2
out=${3:-$file.$(printf '%s' "$field" | tr -c 'A-Za-z0-9_.-' '_').png}
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)

for tool in pvbatch xvfb-run; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check_paraview: $tool not found (apt-get install -y paraview xvfb)" >&2; exit 2; }
done
[ -r "$file" ] || { echo "check_paraview: cannot read $file" >&2; exit 2; }

log=$(mktemp "${TMPDIR:-/tmp}/check_paraview.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT
rm -f "$out"
# xvfb-run -a can lose a race for a display number to another xvfb-run started at the same
# moment ("bad X server connection"): try again a few times in that case only.
for attempt in 1 2 3; do
  xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch "$here/render.py" "$file" "$field" "$out" >"$log" 2>&1
  status=$?
  [ "$status" -ne 0 ] && grep -q "bad X server connection" "$log" || break
  echo "check_paraview: X server not ready (attempt $attempt), retrying" >&2
  sleep 2
done
cat "$log"

fail=0
check() { # check CONDITION-STATUS MESSAGE
  if [ "$1" -eq 0 ]; then echo "check_paraview: ok: $2"; else echo "check_paraview: FAILED: $2"; fail=1; fi
}

# pvbatch/xvfb-run may print to the same stream; look only at render.py's own lines.
arrays=$(sed -n 's/^cell_arrays: //p' "$log" | tail -n 1)
nsteps=$(sed -n 's/^time_steps: //p' "$log" | tail -n 1)
printf '%s\n' $arrays | grep -Fxq -- "$field"
check $? "ParaView found the cell array '$field' (cell arrays: ${arrays:-none})"
[ "${nsteps:-0}" -gt 0 ] 2>/dev/null
check $? "ParaView found ${nsteps:-no} time steps"
[ -s "$out" ] && [ "$(head -c 4 "$out" | tail -c 3)" = "PNG" ]
check $? "non-empty PNG $out"
[ "$status" -eq 0 ]
check $? "render.py exit status $status"
exit $fail
