#!/bin/sh
# callgraph.sh: which object calls which among the given sources, from nm.
#
#   tests/callgraph.sh [FILE.c ...]      (default: every source of the binary)
#
# For each pair of files, an edge A -> B when A's object uses a function or
# object B's defines (nm: U in A, T/D/B/R in B).  Prints the edges, then every
# circle (a strongly connected set of two files or more), then "circles: N".
# Build first (make -s xml2prom); run from the top of the tree.
[ $# -gt 0 ] || set -- $(make -s -p -n xml2prom 2>/dev/null |
    sed -n 's/^LIB_SRCS *:\{0,1\}= *//p' | head -1) src/main.c
for c in "$@"; do
	o=${c%.c}.o
	[ -f "$o" ] || { echo "callgraph.sh: $o: not built" >&2; exit 2; }
	nm "$o" | awk -v f="${c#src/}" '$1 == "U" { print "U", f, $2; next }
	    $2 ~ /^[TDBR]$/ { print "D", f, $3 }'
done | python3 -c '
import sys, collections
defs, uses = {}, collections.defaultdict(set)
for line in sys.stdin:
    kind, f, sym = line.split()
    if kind == "D": defs[sym] = f
    else: uses[f].add(sym)
edges = collections.defaultdict(collections.Counter)
for f, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != f:
            edges[f][defs[s]] += 1
for f in sorted(edges):
    for g, n in sorted(edges[f].items()):
        print("%s -> %s (%d)" % (f, g, n))
# Tarjan: the strongly connected sets.
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
for v in sorted(set(edges) | set(defs.values())):
    if v not in index: visit(v)
for c in sccs: print("circle:", " ".join(c))
print("circles: %d" % len(sccs))
'
