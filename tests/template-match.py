#!/usr/bin/python3
"""template-match.py EXPECTED ACTUAL: exit 0 if ACTUAL matches EXPECTED line
for line, where '<libxml2>' in EXPECTED stands for any text: the wording
(and columns) of libxml2's own messages, which change between releases.
What xml2prom writes itself stays pinned.  On a mismatch, prints both."""
import re
import sys

with open(sys.argv[1], encoding='utf-8', errors='replace') as f:
    expected = f.read().splitlines()
with open(sys.argv[2], encoding='utf-8', errors='replace') as f:
    actual = f.read().splitlines()
ok = len(expected) == len(actual) and all(
    re.fullmatch('.*'.join(map(re.escape, e.split('<libxml2>'))), a)
    for e, a in zip(expected, actual))
if not ok:
    print('--- expected (template)\n' + '\n'.join(expected))
    print('+++ actual\n' + '\n'.join(actual))
sys.exit(0 if ok else 1)
