#!/usr/bin/python3
"""sourcemap.py: the README's list of sources against src/ (tests/kit.sh).

Every src/*.c and src/*/*.c is listed once, nothing else is, and each is described by
its header's first sentence ("/* NAME.c: ... ." up to the first period
that ends a sentence).  Each failure says the exact README line to write.
Run from the top of the tree; exit 1 on any difference.
"""
import glob
import os
import re
import sys

ITEM = re.compile(r"^  - `([a-z0-9_]+\.c)`: (.*)$")


def first_sentence(path):
    """The header's first sentence after 'NAME.c: ', or None."""
    name = os.path.basename(path)
    lines = open(path, encoding="utf-8").read().split("\n")
    if not lines or lines[0] != "/*":
        return None
    text = []
    for line in lines[1:]:
        if not line.startswith(" * ") or line.startswith(" */"):
            break
        text.append(line[3:])
    m = re.match(re.escape(name) + r": (.*?\.)(\s|$)", " ".join(text))
    return m.group(1) if m else None


def readme_items(path):
    """{file: description} of the README's list, continuation lines joined."""
    items, current = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = ITEM.match(line)
        if m:
            current = m.group(1)
            if current in items:
                items[current + " (twice)"] = ""
            items[current] = m.group(2)
        elif current is not None and line.startswith("    ") and line.strip():
            items[current] += " " + line.strip()
        else:
            current = None
    return items


def main():
    items = readme_items("README.md")
    bad = 0
    paths = sorted(glob.glob("src/*.c") + glob.glob("src/*/*.c"))
    for path in paths:
        name = os.path.basename(path)
        want = first_sentence(path)
        if want is None:
            print("%s: its header's first line must read ' * %s: what it "
                  "owns.'" % (path, name))
            bad += 1
        elif name not in items:
            print("README.md: add to the list of sources (## Building): "
                  "'  - `%s`: %s'" % (name, want))
            bad += 1
        elif items[name] != want:
            print("README.md: %s is described as '%s'; its header says: "
                  "'  - `%s`: %s'" % (name, items[name], name, want))
            bad += 1
    for name in sorted(items):
        if name not in [os.path.basename(p) for p in paths]:
            print("README.md: lists %s, which is not in src/: remove its "
                  "line" % name)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
