#!/usr/bin/python3
"""Lists the C functions longer than a limit, longest first, as `path:line name length`.

  /usr/bin/python3 tools/function_lengths.py                    # common mesh models solver, limit 60
  /usr/bin/python3 tools/function_lengths.py --limit 80 solver  # one folder, another limit
  /usr/bin/python3 tools/function_lengths.py --report-only      # list, but exit 0

A function's length runs from the first line of its signature (the return type) to its closing
brace, inclusive; the comment above it is not counted. Folders are searched recursively for .c and
.h files (static inline functions in headers count too). A folder is taken relative to the current
directory if it exists there, else relative to the repository root (this script's parent's parent).
Exit status: 1 if any function is longer than the limit (unless --report-only), 2 on bad input.

The parser is made for this code base, not for all of C: comments, string and character literals
and preprocessor lines (with their continuations) are blanked first; then a `{` at file scope opens
a function body when the text since the previous file-scope `;` or `}` reads `type Name(args...)`:
it ends with a parenthesised parameter list that follows a name, with at least a return type before
the name and no `=` (initialisers). Prototypes end with `;` and never reach a `{`; struct, union and
enum bodies and initialisers are skipped because their text does not end with `)`. Unbalanced braces
(e.g. split by #if/#else) are reported on stderr.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FOLDERS = ["common", "mesh", "models", "solver"]
ATTRIBUTES = {"__attribute__", "__declspec", "PETSC_ATTRIBUTE_FORMAT", "PETSC_ATTRIBUTE_COLD"}
NOT_NAMES = {"if", "for", "while", "switch", "return", "sizeof", "do", "else"}
IDENT = re.compile(r"[A-Za-z_]\w*$")


def blank_non_code(text):
    """Comments, string and char literals and preprocessor lines replaced by spaces; newlines kept."""
    out = list(text)
    i, n = 0, len(text)
    line_start = True  # only whitespace so far on this line

    def blank_block_comment(i):
        """Blanks the /* ... */ starting at i (newlines kept); returns the index after it."""
        j = text.find("*/", i + 2)
        j = n if j < 0 else j + 2
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        return j

    while i < n:
        c = text[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if line_start and c == "#":  # preprocessor directive, up to an unescaped newline
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out[i] = " "
                    i += 2  # keep the newline: line numbers stay right
                    continue
                if text.startswith("/*", i):  # a block comment may span lines inside a directive
                    i = blank_block_comment(i)
                    continue
                out[i] = " "
                i += 1
            continue
        if not c.isspace():
            line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
        elif text.startswith("/*", i):
            i = blank_block_comment(i)
        elif c in "\"'":
            out[i] = " "
            i += 1
            while i < n and text[i] != c and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n:
                    out[i] = " "
                    i += 1
                if text[i] != "\n":
                    out[i] = " "
                i += 1
            if i < n and text[i] == c:
                out[i] = " "
                i += 1
        else:
            i += 1
    return "".join(out)


def function_name(header):
    """The name if `header` (the file-scope text before a `{`) reads `type Name(args...)`, else None."""
    h = header.strip()
    while h.endswith(")"):
        depth, j = 0, len(h) - 1
        while j >= 0:  # the '(' matching the final ')'
            depth += {")": 1, "(": -1}.get(h[j], 0)
            if depth == 0:
                break
            j -= 1
        if j < 0:
            return None
        before = h[:j].rstrip()
        m = IDENT.search(before)
        if not m:
            return None
        name = m.group(0)
        if name in ATTRIBUTES:  # `f(args) __attribute__((...))`: strip and look again
            h = before[: m.start()].rstrip()
            continue
        rest = before[: m.start()]
        if name in NOT_NAMES or not re.search(r"[\w*]", rest):  # no return type: a macro call
            return None
        if "=" in re.sub(r"\([^()]*\)", "", rest):  # an initialiser, not a definition
            return None
        return name
    return None


def functions(path):
    """(line, name, length) of every function definition in the file, and warnings."""
    text = open(path, encoding="utf-8", errors="replace").read()
    code = blank_non_code(text)
    line_of = []  # line number of each character
    ln = 1
    for ch in code:
        line_of.append(ln)
        if ch == "\n":
            ln += 1
    found, warnings = [], []
    depth, head = 0, 0  # head: start of the file-scope text since the last ';' or '}'
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if depth == 0 and c == ";":
            head = i + 1
        elif c == "{":
            if depth == 0:
                name = function_name(code[head:i])
                if name:
                    start = head + (len(code[head:i]) - len(code[head:i].lstrip()))
                    d, j = 0, i  # the matching '}'
                    while j < n:
                        d += {"{": 1, "}": -1}.get(code[j], 0)
                        if d == 0:
                            break
                        j += 1
                    if j >= n:
                        warnings.append("%s:%d %s: no closing brace" % (path, line_of[start], name))
                        return found, warnings
                    col = j - (code.rfind("\n", 0, j) + 1)
                    if col != 0 and line_of[j] != line_of[i]:  # (a one-line body is fine)
                        warnings.append("%s:%d %s: closing brace at column %d (braces split by #if?)" % (path, line_of[j], name, col))
                    sig_col = start - (code.rfind("\n", 0, start) + 1)
                    if sig_col != 0:
                        warnings.append("%s:%d %s: signature not at column 0" % (path, line_of[start], name))
                    found.append((line_of[start], name, line_of[j] - line_of[start] + 1))
                    depth, head, i = 0, j + 1, j + 1
                    continue
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                warnings.append("%s:%d: unbalanced '}'" % (path, line_of[i]))
                depth = 0
            if depth == 0:
                head = i + 1
        i += 1
    if depth != 0:
        warnings.append("%s: %d unclosed '{' at the end of the file" % (path, depth))
    return found, warnings


def c_files(arg):
    path = arg if os.path.exists(arg) else os.path.join(ROOT, arg)
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise FileNotFoundError(arg)
    out = []
    for d, subdirs, files in os.walk(path):
        subdirs.sort()
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith((".c", ".h"))]
    return out


def shown(path):
    a = os.path.abspath(path)
    return os.path.relpath(a, ROOT) if a.startswith(ROOT + os.sep) else path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", default=DEFAULT_FOLDERS,
                    help="folders (or files) to scan, default: %s" % " ".join(DEFAULT_FOLDERS))
    ap.add_argument("--limit", type=int, default=60, help="longest allowed function, in lines (default 60)")
    ap.add_argument("--report-only", action="store_true", help="list the long functions but exit 0")
    args = ap.parse_args()
    rows, total = [], 0
    for folder in args.folders:
        try:
            files = c_files(folder)
        except FileNotFoundError:
            print("function_lengths.py: %s: no such folder (here or under %s)" % (folder, ROOT), file=sys.stderr)
            return 2
        for f in files:
            found, warnings = functions(f)
            for w in warnings:
                print("warning: " + w, file=sys.stderr)
            total += len(found)
            rows += [(length, shown(f), line, name) for line, name, length in found if length > args.limit]
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    for length, path, line, name in rows:
        print("%s:%d %s %d" % (path, line, name, length))
    print("%d of %d functions longer than %d lines" % (len(rows), total, args.limit), file=sys.stderr)
    return 1 if rows and not args.report_only else 0


if __name__ == "__main__":
    sys.exit(main())
