#!/usr/bin/python3
"""survey-grow.py: a store 100 times larger of the same shape, to run a
survey's proposal on: each element named NAME (the outermost ones) is
copied 100 times in place, as a store grows; in each copy what is
unique per row stays unique (attributes named like identifiers get a
suffix, times of day move on by a second, addresses change).

  survey-grow.py IN OUT NAME...
"""
import copy
import re
import sys

from lxml import etree

ID = re.compile(r"(^|[-_:])(id|idref|ref|key)$|id$", re.I)
TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)$")


def vary(el, k):
    for e in el.iter():
        if not isinstance(e.tag, str):
            continue
        for a, v in list(e.attrib.items()):
            local = etree.QName(a).localname
            t = TIME.match(v)
            if t:
                s = (int(t[1]) * 3600 + int(t[2]) * 60 + int(t[3]) + k) % 86400
                e.set(a, "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60))
            elif local == "addr":
                e.set(a, "10.%d.%d.%d" % (k // 65536, k // 256 % 256, k % 256))
            elif ID.search(local):
                e.set(a, "%s_%d" % (v, k))


def main(src, out, names):
    doc = etree.parse(src)
    rows = [e for e in doc.iter() if isinstance(e.tag, str) and
            etree.QName(e).localname in names]
    rows = [e for e in rows if not any(
        isinstance(a.tag, str) and etree.QName(a).localname in names
        for a in e.iterancestors())]
    for e in rows:
        at = e
        for k in range(1, 100):
            c = copy.deepcopy(e)
            vary(c, k)
            at.addnext(c)
            at = c
    doc.write(out, xml_declaration=True, encoding="UTF-8")


main(sys.argv[1], sys.argv[2], set(sys.argv[3:]))
