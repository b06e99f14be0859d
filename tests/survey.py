#!/usr/bin/python3
"""survey.py: xml2prom --survey on a real store, against lxml.

  survey.py XML2PROM FILE [--rows PATTERN]

1. The survey's counts: every element path listed (count and depth) and,
   for every kind of element described, how many have each attribute and
   child leaf and how many distinct values they take (exact below 128),
   recounted here with lxml.
2. The proposed configuration, run as it is (-c, -o -): exit 0, and each
   set's series equal to lxml's evaluation of the set's rows, labels and
   values over the whole document (tests/realfiles.py's reference).
Prints what differs; exits 1 if anything does.
"""
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from realfiles import reference, same, written  # noqa: E402

bad = 0


def differ(what, got, want):
    global bad
    bad += 1
    if bad <= 15:
        print("# %s: survey %s, lxml %s" % (what, got, want))


def local(el):
    return etree.QName(el).localname


def paths_of(doc):
    count, depth = Counter(), {}

    def walk(el, prefix, d):
        p = prefix + "/" + local(el)
        count[p] += 1
        depth[p] = d
        for c in el:
            if isinstance(c.tag, str):
                walk(c, p, d + 1)
    walk(doc.getroot(), "", 1)
    return count, depth


def check_paths(text, doc):
    count, depth = paths_of(doc)
    listed = re.findall(r"^#   (/\S+)\s+(\d+)  depth (\d+)", text, re.M)
    if not listed:
        differ("paths listed", 0, len(count))
    for p, n, d in listed:
        if count.get(p) != int(n) or depth.get(p) != int(d):
            differ("path %s" % p, (n, d), (count.get(p), depth.get(p)))
    if len(listed) < min(len(count), 200):
        differ("paths listed", len(listed), len(count))
    return len(listed)


def number_text(d):
    """A number as the survey prints it (surveyout.c's print_number)."""
    if d == int(d) and abs(d) < 1e15:
        return "%.0f" % d
    return "%.6g" % d


def check_kinds(text, doc, ns):
    """Attributes of each kind described: presence and distinct values."""
    checked = 0
    for block in re.split(r"^#\n", text, flags=re.M):
        m = re.match(r"# //(\S+): (\d+) elements", block)
        if not m:
            continue
        name, n = m.group(1), int(m.group(2))
        els = doc.xpath("//*[local-name()=$n]", n=name)
        # A kind is one name in one namespace; the survey says which.
        uris = Counter(etree.QName(e).namespace for e in els)
        uri = None
        if len(uris) > 1:
            continue    # several kinds of one local name: not checked here
        if n != len(els):
            differ("//%s elements" % name, n, len(els))
        for attr, lo, hi in re.findall(
                r"^#   @(\S+)\s+in \d+ of \d+, .*: numbers from (\S+) to (\S+)$",
                block, re.M):
            nums = [e.xpath("number(@%s)" % attr) for e in els
                    if e.get(attr) is not None and e.get(attr).strip()]
            if (lo, hi) != (number_text(min(nums)), number_text(max(nums))):
                differ("//%s/@%s range" % (name, attr), (lo, hi),
                       (number_text(min(nums)), number_text(max(nums))))
            checked += 1
        for attr, present, distinct in re.findall(
                r"^#   @(\S+)\s+in (\d+) of \d+, (\d+) distinct", block, re.M):
            if ":" in attr:
                continue
            vals = [e.get(attr) for e in els if e.get(attr) is not None]
            nonblank = {v for v in vals if v.strip()}
            if int(present) != len(vals):
                differ("//%s/@%s present" % (name, attr), present, len(vals))
            if int(distinct) != len(nonblank):
                differ("//%s/@%s distinct" % (name, attr), distinct,
                       len(nonblank))
            checked += 1
        for child, attr, present, distinct in re.findall(
                r"^#   ([\w.-]+)/@([\w.-]+)\s+in (\d+) of \d+, (\d+) distinct",
                block, re.M):
            # A child at most one per row, in no namespace: its attribute
            # is a field of the row (nmap's state/@state).
            vals = [c.get(attr) for e in els for c in e
                    if isinstance(c.tag, str) and c.tag == child and
                    c.get(attr) is not None]
            nonblank = {v for v in vals if v.strip()}
            if int(present) != len(vals):
                differ("//%s/%s/@%s present" % (name, child, attr), present,
                       len(vals))
            if int(distinct) != len(nonblank):
                differ("//%s/%s/@%s distinct" % (name, child, attr), distinct,
                       len(nonblank))
            checked += 1
        del uri
    return checked


def parse_config(conf):
    """prefix, namespaces, and each set: name, rows, options as realfiles.py
    reads them."""
    prefix, ns, sets = "store", {}, []
    for line in conf.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            sets.append({"name": line[1:-1], "opts": []})
            continue
        key, _, value = line.partition(" ")
        if key == "prefix":
            prefix = value
        elif key == "namespace":
            p, _, uri = value.partition("=")
            ns[p] = uri
        elif key == "rows":
            sets[-1]["rows"] = value
        elif key == "type":
            sets[-1]["opts"] += ["-b", "type=" + value]
        elif key in ("by", "sum", "min", "max", "histogram", "buckets"):
            sets[-1]["opts"] += ["--" + key, value]
    return prefix, ns, sets


def check_config(xml2prom, conf_path, conf, path):
    from realfiles import parse_options
    prefix, ns, sets = parse_config(conf)
    ns.setdefault("date", "http://exslt.org/dates-and-times")
    run = subprocess.run([xml2prom, "-c", conf_path, "-o", "-", path],
                         capture_output=True, text=True)
    if run.returncode != 0:
        differ("the proposed configuration's run", run.stderr.strip(), "exit 0")
        return 0
    compared = 0
    for s in sets:
        labels, missing, values, buckets, _, _ = parse_options(s["opts"])
        m = re.fullmatch(r"//([\w.-]+)", s["rows"])
        rows = "//*[local-name()='%s']" % m.group(1) if m else s["rows"]
        want = reference(path, rows, ns, labels, missing, values, buckets)
        got = written(run.stdout, prefix + "_" + s["name"], path, values)
        for k in sorted(set(want) | set(got), key=repr):
            if k not in want or k not in got or not same(want[k], got[k]):
                differ("set %s %r" % (s["name"], k), got.get(k), want.get(k))
        compared += len(want)
    return compared


def main():
    xml2prom, path = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    run = subprocess.run([xml2prom, "--survey"] + extra + [path],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print("# --survey exited %d: %s" % (run.returncode, run.stderr))
        return 1
    doc = etree.parse(path, etree.XMLParser(resolve_entities=False,
                                            no_network=True, load_dtd=False))
    npaths = check_paths(run.stdout, doc) if not extra else 0
    nattrs = check_kinds(run.stdout, doc, {}) if not extra else 0
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write(run.stdout)
        f.flush()
        nseries = check_config(xml2prom, f.name, run.stdout, path)
    print("# %s: %d paths, %d attributes, %d series compared with lxml" % (
        path, npaths, nattrs, nseries))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
