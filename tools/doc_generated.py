#!/usr/bin/python3
"""Generated blocks of doc/: text that a command prints, kept equal to that command's output.

    tools/doc_generated.py [--update] [--all] [--list] [PAGE.md ...]

A block in a page of doc/ (default: every page) is

    <!-- generated (cheap|run|bench): COMMAND -->
    ...the output of COMMAND...
    <!-- end generated -->

COMMAND runs with bash in the repository's root, with DISCSIM and DISCSIM_STUDY set to the
build's programs (environment DISCSIM_BUILD, default ./build) and tools/env.sh sourced. Without
--update the output is compared with the block and every difference is printed (exit 1);
with --update the block is replaced. 'cheap' blocks (seconds) are checked by the test suite;
'run' blocks (an example's runs, minutes) and 'bench' blocks (timings) only with --all: timings
are not reproducible, so a bench block's check reruns it only when asked and --update records
a new measurement. --list prints the blocks.
"""
import argparse, difflib, glob, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- generated \((cheap|run|bench)\): (.*?) -->\n)(.*?)(<!-- end generated -->)", re.S)


def run(cmd):
    build = os.path.abspath(os.environ.get("DISCSIM_BUILD", os.path.join(ROOT, "build")))
    env = dict(os.environ, DISCSIM=os.path.join(build, "discsim"), DISCSIM_STUDY=os.path.join(build, "discsim-study"))
    r = subprocess.run(["bash", "-c", "source tools/env.sh; " + cmd], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode:
        sys.exit("doc_generated: '%s' failed (exit %d):\n%s" % (cmd, r.returncode, (r.stderr or r.stdout)[-2000:]))
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--all", action="store_true", help="also the 'run' and 'bench' blocks")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    pages = a.pages or sorted(glob.glob(os.path.join(ROOT, "doc", "*.md")))
    stale = checked = 0
    for page in pages:
        text = open(page).read()
        out, pos = [], 0
        for m in BLOCK.finditer(text):
            out.append(text[pos:m.end(1)])
            pos = m.start(5)
            kind, cmd, old = m.group(2), m.group(3), m.group(4)
            if a.list or (kind != "cheap" and not a.all):
                if a.list:
                    print("%s: %s: %s" % (os.path.relpath(page, ROOT), kind, cmd))
                out.append(old)
                continue
            new = run(cmd)
            checked += 1
            if new != old:
                stale += 1
                print("%s: the block of '%s' differs from its command's output:" % (os.path.relpath(page, ROOT), cmd))
                sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "doc", "now", n=0))
            out.append(new if a.update else old)
        out.append(text[pos:])
        if a.update and "".join(out) != text:
            open(page, "w").write("".join(out))
            print("doc_generated: updated", os.path.relpath(page, ROOT))
    if not a.list:
        print("doc_generated: %d block(s) checked, %d %s" % (checked, stale, "updated" if a.update else "stale"))
    sys.exit(1 if stale and not a.update else 0)


if __name__ == "__main__":
    main()
