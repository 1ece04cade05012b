#!/usr/bin/env bash
# Lists the calls between the C files of app/, nn/, ink/ and base/ and fails when
# files call each other in a circle (a file calling up into one that calls
# it back), the rule of docs/architecture.md.  It also fails when a call
# points up between folders (the table DOWN below: common/ calls none of
# train/, pad/, cli/, window/; pad/ and train/ never call cli/; nn/, ink/
# and base/ never call app/) or when a file outside app/window/ includes
# SDL, or when app/'s headers include each other in a circle.
# Definitions come from ctags (universal-ctags, Debian); call sites are
# read from the sources with comments and strings removed.  A call counts when the name is defined in
# exactly one other file there and not static (a file's own static helper
# of the same name wins).
#   scripts/check-cycles.sh [--list]    --list: print every file-to-file edge
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ctags >/dev/null || { echo "check-cycles: needs ctags (scripts/deps.sh installs universal-ctags)" >&2; exit 2; }
list=0
[ "${1:-}" = "--list" ] && list=1
files=$(ls app/*.c app/*/*.c app/*/*/*.c nn/*.c ink/*.c base/*.c 2>/dev/null)
# the headers too, for the SDL check (ls fails on a pattern without a match)
headers=$(ls app/*.h app/*/*.h app/*/*/*.h nn/*.h ink/*.h base/*.h include/*.h 2>/dev/null || true)
# shellcheck disable=SC2086
ctags -x --kinds-C=f --language-force=C $files | LIST=$list HEADERS="$headers" python3 -c '
import os, re, sys
defs = {}     # name -> [(file, static)]
for line in sys.stdin:
    m = re.match(r"(\S+)\s+function\s+\d+\s+(\S+)\s+(.*)", line)
    if m:
        defs.setdefault(m.group(1), []).append((m.group(2), m.group(3).lstrip().startswith("static")))
files = sorted({f for v in defs.values() for f, _ in v} | set(sys.argv[1:]))
strip = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|\x27(?:\\.|[^\x27\\])*\x27", re.S)
edges = {}    # (a, b) -> example function
for f in files:
    src = strip.sub(" ", open(f, encoding="utf-8", errors="replace").read())
    own = {n for n, v in defs.items() if any(g == f for g, _ in v)}
    for n in set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", src)):
        if n in own or n not in defs:
            continue
        targets = [g for g, st in defs[n] if g != f and not st]
        if len(targets) == 1:
            edges.setdefault((f, targets[0]), n)
if os.environ.get("LIST") == "1":
    for (a, b), n in sorted(edges.items()):
        print(f"{a} -> {b}   ({n})")
# Strongly connected components (Tarjan): any with two or more files is a cycle.
graph = {f: [] for f in files}
for a, b in edges:
    graph[a].append(b)
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in files:
    if v not in index:
        visit(v)
print(f"check-cycles: {len(files)} files, {len(edges)} file-to-file call edges")
for comp in sccs:
    print("cycle: " + ", ".join(comp))
    for a in comp:
        for b in comp:
            if (a, b) in edges:
                print(f"    {a} -> {b}   ({edges[(a, b)]})")

# Direction between folders: the folders each folder may call (its own
# included).  app/main.c and app/cpucheck.c, the root of the executable, may
# call any.  window/script/ counts as window/.
LIB = {"nn", "ink", "base"}
DOWN = {
    "base": {"base"},
    "nn": {"nn", "base"},
    "ink": {"ink", "base"},
    "app/common": {"app/common"} | LIB,
    "app/train": {"app/train", "app/common"} | LIB,
    "app/pad": {"app/pad", "app/train", "app/common"} | LIB,
    "app/cli": {"app/cli", "app/pad", "app/train", "app/common"} | LIB,
    "app/window": {"app/window", "app/pad", "app/train", "app/common"} | LIB,
}
def folder(f):
    p = f.split("/")
    return p[0] if p[0] != "app" else "app" if len(p) == 2 else "app/" + p[1]
up = 0
for (a, b), n in sorted(edges.items()):
    fa, fb = folder(a), folder(b)
    if fa in DOWN and fb not in DOWN[fa]:
        print(f"wrong direction: {a} calls {b} ({n}): {fa}/ may call only "
              + ", ".join(sorted(x + "/" for x in DOWN[fa])))
        up += 1

# SDL only in the window: every other file builds without it.
inc = re.compile(r"^\s*#\s*include\s*[<\"]SDL", re.M)
sdl = 0
for f in sorted(os.environ["HEADERS"].split() + files):
    if not f.startswith("app/window/") and inc.search(open(f, encoding="utf-8", errors="replace").read()):
        print(f"SDL outside app/window/: {f} includes an SDL header")
        sdl += 1

# Includes among the headers of app/ form no circle (a header is found by
# its name: the header names in app/ are unique).
hdrs = {os.path.basename(h): h for h in os.environ["HEADERS"].split() if h.startswith("app/")}
quoted = re.compile(r"^\s*#\s*include\s*\"([^\"]+)\"", re.M)
hgraph = {h: [hdrs[n] for n in quoted.findall(open(h, encoding="utf-8", errors="replace").read())
              if n in hdrs] for h in hdrs.values()}
state, hcycles = {}, []
def walk(h, path):
    state[h] = 1
    for g in hgraph[h]:
        if state.get(g) == 1:
            hcycles.append(path[path.index(g):] + [g])
        elif g not in state:
            walk(g, path + [g])
    state[h] = 2
for h in sorted(hgraph):
    if h not in state:
        walk(h, [h])
print(f"check-cycles: {len(hgraph)} app/ headers, "
      f"{sum(len(v) for v in hgraph.values())} includes among them")
for c in hcycles:
    print("include cycle: " + " -> ".join(c))
sys.exit(1 if sccs or up or sdl or hcycles else 0)
' $files
