#!/usr/bin/python3
"""realfiles.py: xml2prom's labels and values on a real store, against an
independent reference computed here with lxml (libxml2's XPath on the whole
document, EXSLT's date:seconds from libexslt).

  realfiles.py XML2PROM LXML_ROWS NS=URI... -- OPTION... FILE...

LXML_ROWS is the row selector as lxml XPath ('//x:Rule'); the options
after '--' are given to xml2prom as they are, and read here for --by,
--missing, --sum, --min, --max, --histogram and --buckets.  Prints what
differs; exits 1 if anything does.
"""
import glob
import math
import os
import subprocess
import sys

from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

DEFAULT_BUCKETS = [.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10]


def parse_options(opts):
    labels, missing, values, buckets, files, prefix = [], {}, [], {}, [], "store"
    i = 0
    while i < len(opts):
        o = opts[i]
        if not o.startswith("-"):
            files.append(o)
            i += 1
            continue
        name, eq, arg = o.partition("=")
        if not eq and name in ("-b", "--by", "-t", "--missing", "--sum",
                               "--min", "--max", "--histogram", "--buckets",
                               "-n", "-p", "-r", "-o"):
            arg = opts[i + 1]
            i += 1
        i += 1
        if name in ("-b", "--by"):
            n, _, e = arg.partition("=")
            labels.append((n, e))
        elif name in ("-t", "--type"):
            labels.append(("type", arg))
        elif name == "--missing":
            n, _, v = arg.partition("=")
            missing[n] = v
        elif name in ("--sum", "--min", "--max", "--histogram"):
            fam, _, e = arg.partition("=")
            fam, colon, ls = fam.partition(":")
            by = [l for l in ls.split(",") if l] if colon else None
            values.append((name[2:], fam, by, e))
        elif name == "--buckets":
            fam, _, b = arg.partition("=")
            buckets[fam] = [float(x) for x in b.split(",")]
        elif name in ("-p", "--prefix"):
            prefix = arg
    if not labels:
        labels = [("type", "@type")]
    return labels, missing, values, buckets, files, prefix


def reference(path, rows_xpath, ns, labels, missing, values, buckets):
    """{(family, labels tuple): value} as xml2prom should write it."""
    doc = etree.parse(path, etree.XMLParser(resolve_entities=False,
                                            no_network=True, load_dtd=False))
    out, names = {}, [n for n, _ in labels]
    groups = {}
    for row in doc.xpath(rows_xpath, namespaces=ns):
        key = tuple(row.xpath("string(%s)" % e, namespaces=ns)
                    or missing.get(n, "unknown") for n, e in labels)
        rk = (("rows",) + tuple(zip(names, key)))
        out[rk] = out.get(rk, 0) + 1
        for agg, fam, by, e in values:
            by = names if by is None else by
            lk = tuple((n, k) for n, k in zip(names, key) if n in by)
            g = groups.setdefault((fam, lk), {"agg": agg, "n": 0, "sum": 0.0,
                                              "min": None, "max": None,
                                              "values": []})
            v = row.xpath("number(%s)" % e, namespaces=ns)
            skip = (fam, "skipped")
            out[skip] = out.get(skip, 0)
            if not math.isfinite(v):
                out[skip] += 1
                continue
            g["n"] += 1
            g["sum"] += v
            g["min"] = v if g["min"] is None else min(g["min"], v)
            g["max"] = v if g["max"] is None else max(g["max"], v)
            g["values"].append(v)
    for (fam, lk), g in groups.items():
        if g["agg"] == "sum":
            out[(fam,) + lk] = g["sum"]
        elif g["agg"] in ("min", "max") and g["n"] > 0:
            out[(fam,) + lk] = g[g["agg"]]
        elif g["agg"] == "histogram":
            for b in buckets.get(fam, DEFAULT_BUCKETS) + [math.inf]:
                out[(fam + "_bucket",) + lk + (("le", b),)] = \
                    sum(1 for v in g["values"] if v <= b)
            out[(fam + "_sum",) + lk] = g["sum"]
            out[(fam + "_count",) + lk] = g["n"]
    return out


def written(text, prefix, path, values):
    """The same shape, read from xml2prom's output for one path."""
    out = {}
    fams = {f for _, f, _, _ in values}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            labels = dict(s.labels)
            if labels.pop("path", None) != path or \
                    not s.name.startswith(prefix + "_"):
                continue
            name = s.name[len(prefix) + 1:]
            if name == "skipped_values":
                out[(labels["family"], "skipped")] = s.value
                continue
            le = labels.pop("le", None)
            base = name.rsplit("_", 1)[0]
            if name != "rows" and name not in fams and base not in fams:
                continue
            key = (name,) + tuple(labels.items())
            if le is not None:
                key += (("le", float(le)),)
            out[key] = s.value
    return out


def expanded(files):
    """A glob or a directory as xml2prom expands it (storelist.h): the
    regular files, in byte order; a directory's but its dot-files."""
    out = []
    for f in files:
        if any(c in f for c in "*?["):
            found = glob.glob(f)
        elif os.path.isdir(f):
            found = [os.path.join(f, n) if not f.endswith("/") else f + n
                     for n in os.listdir(f) if not n.startswith(".")]
        else:
            out.append(f)
            continue
        out += [p for p in found if os.path.isfile(p)]
    return sorted(out, key=os.fsencode)


def paths_written(text):
    return {dict(s.labels).get("path")
            for fam in text_string_to_metric_families(text)
            for s in fam.samples} - {None}


def same(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def main():
    xml2prom, rows_xpath = sys.argv[1], sys.argv[2]
    sep = sys.argv.index("--")
    ns = dict(a.split("=", 1) for a in sys.argv[3:sep])
    ns.setdefault("date", "http://exslt.org/dates-and-times")
    opts = sys.argv[sep + 1:]
    labels, missing, values, buckets, files, prefix = parse_options(opts)
    run = subprocess.run([xml2prom, "-o", "-"] + opts, capture_output=True,
                         text=True)
    if run.returncode != 0:
        print("# xml2prom exited %d: %s" % (run.returncode, run.stderr))
        return 1
    bad = 0
    files = expanded(files)
    if paths_written(run.stdout) != set(files):
        bad += 1
        print("# the files written are not those found: %s, not %s" % (
            sorted(paths_written(run.stdout)), files))
    for path in files:
        want = reference(path, rows_xpath, ns, labels, missing, values,
                         buckets)
        got = written(run.stdout, prefix, path, values)
        for k in sorted(set(want) | set(got), key=repr):
            if k not in want or k not in got or not same(want[k], got[k]):
                bad += 1
                if bad <= 10:
                    print("# %s %r: xml2prom %s, lxml %s" % (
                        path, k, got.get(k), want.get(k)))
        nrows = sum(v for k, v in want.items() if k[0] == "rows")
        print("# %s: %d rows, %d series compared" % (path, nrows, len(want)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
