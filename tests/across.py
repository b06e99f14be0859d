#!/usr/bin/python3
"""across.py: an --across-files set's series against a reference computed
here with lxml, over every file of each store argument.

  across.py [--text FILE] XML2PROM LXML_ROWS -- OPTION... STORE...

Runs `XML2PROM -o - OPTION... STORE...` (or reads its output from FILE,
for the resident and exporter modes) and compares every series of the
unnamed set, which must be given --across-files, with what the files hold:

  - each STORE expanded as xml2prom expands it (tests/realfiles.py), its
    files taken in the file order (--file-order: byte order of the name,
    or modification time then name);
  - a file lxml cannot parse is failed (reason parse): not counted, named
    in file_failure, counted in files_failed;
  - rows, skipped values and histogram buckets add; min and max combine;
  - a sum is each file's sum, its rows' numbers added in document order
    from 0 (as XPath's sum()), those added in file order from 0;
  - first (last) is the first (last) value, in document order, of the
    first (last) file that has one.

Numbers are compared exactly: xml2prom writes the shortest text that reads
back as the same double.  Prints what differs; exits 1 if anything does.
"""
import math
import os
import subprocess
import sys

from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from realfiles import DEFAULT_BUCKETS, expanded  # noqa: E402

TAKES_ARG = ("-b", "--by", "-t", "--type", "--missing", "--sum", "--min",
             "--max", "--first", "--last", "--histogram", "--buckets", "-n",
             "-p", "--prefix", "-r", "--rows", "-o", "--file-order",
             "--every", "--web.listen-address", "--settle", "--reread-after")
AGGS = ("sum", "min", "max", "first", "last", "histogram")


def parse_options(opts):
    o = {"labels": [], "missing": {}, "values": [], "buckets": {},
         "stores": [], "prefix": "store", "order": "name", "ns": {}}
    i = 0
    while i < len(opts):
        a = opts[i]
        if not a.startswith("-"):
            o["stores"].append(a)
            i += 1
            continue
        name, eq, arg = a.partition("=")
        if not eq and name in TAKES_ARG:
            arg = opts[i + 1]
            i += 1
        i += 1
        if name in ("-b", "--by"):
            o["labels"].append(tuple(arg.split("=", 1)))
        elif name in ("-t", "--type"):
            o["labels"].append(("type", arg))
        elif name == "--missing":
            n, _, v = arg.partition("=")
            o["missing"][n] = v
        elif name[2:] in AGGS:
            fam, _, e = arg.partition("=")
            fam, colon, ls = fam.partition(":")
            by = [x for x in ls.split(",") if x] if colon else None
            o["values"].append((name[2:], fam, by, e))
        elif name == "--buckets":
            fam, _, b = arg.partition("=")
            o["buckets"][fam] = [float(x) for x in b.split(",")]
        elif name in ("-p", "--prefix"):
            o["prefix"] = arg
        elif name == "--file-order":
            o["order"] = arg
        elif name == "-n":
            p, _, uri = arg.partition("=")
            o["ns"][p] = uri
    if not o["labels"]:
        o["labels"] = [("type", "@type")]
    o["ns"].setdefault("date", "http://exslt.org/dates-and-times")
    return o


def file_order(files, order):
    if order == "mtime":
        return sorted(files, key=lambda p: (os.stat(p).st_mtime_ns,
                                            os.fsencode(p)))
    return sorted(files, key=os.fsencode)


def read_file(path, rows_xpath, o):
    """One file's groups: {(family, labels): state}, rows, skipped."""
    doc = etree.parse(path, etree.XMLParser(resolve_entities=False,
                                            no_network=True, load_dtd=False))
    names = [n for n, _ in o["labels"]]
    rows, groups, skipped = {}, {}, {}
    for row in doc.xpath(rows_xpath, namespaces=o["ns"]):
        key = tuple(row.xpath("string(%s)" % e, namespaces=o["ns"])
                    or o["missing"].get(n, "unknown") for n, e in o["labels"])
        rk = tuple(zip(names, key))
        rows[rk] = rows.get(rk, 0) + 1
        for agg, fam, by, e in o["values"]:
            by = names if by is None else by
            lk = tuple((n, k) for n, k in zip(names, key) if n in by)
            g = groups.setdefault((fam, lk), {"agg": agg, "values": []})
            v = row.xpath("number(%s)" % e, namespaces=o["ns"])
            skipped.setdefault(fam, 0)
            if not math.isfinite(v):
                skipped[fam] += 1
                continue
            g["values"].append(v)
    return rows, groups, skipped


def doc_sum(values):
    s = 0.0
    for v in values:
        s += v
    return s


def merge(agg, groups):
    """One file's groups into the aggregate, the files in file order."""
    for k, g in groups.items():
        a = agg.setdefault(k, {"agg": g["agg"], "values": [], "sum": 0.0,
                               "first": None, "last": None})
        a["values"] += g["values"]
        a["sum"] += doc_sum(g["values"])
        if g["values"]:
            if a["first"] is None:
                a["first"] = g["values"][0]
            a["last"] = g["values"][-1]


def reference(store, rows_xpath, o):
    """{(name, labels...): value} for one store, as xml2prom should write."""
    out, rows, agg, skipped = {}, {}, {}, {}
    files, failed = 0, []
    for path in file_order(expanded([store]), o["order"]):
        try:
            r, g, s = read_file(path, rows_xpath, o)
        except etree.XMLSyntaxError:
            failed.append(path)
            continue
        except OSError:
            failed.append(path)
            continue
        files += 1
        for k, n in r.items():
            rows[k] = rows.get(k, 0) + n
        for f, n in s.items():
            skipped[f] = skipped.get(f, 0) + n
        merge(agg, g)
    out[("total_rows",)] = sum(rows.values())
    for k, n in rows.items():
        out[("rows",) + k] = n
    for agg_name, fam, _, _ in o["values"]:
        out[("skipped_values", ("family", fam))] = skipped.get(fam, 0)
    for (fam, lk), a in agg.items():
        vs = a["values"]
        if a["agg"] == "sum":
            out[(fam,) + lk] = a["sum"]
        elif a["agg"] in ("min", "max") and vs:
            out[(fam,) + lk] = min(vs) if a["agg"] == "min" else max(vs)
        elif a["agg"] in ("first", "last") and vs:
            out[(fam,) + lk] = a[a["agg"]]
        elif a["agg"] == "histogram":
            for b in o["buckets"].get(fam, DEFAULT_BUCKETS) + [math.inf]:
                out[(fam + "_bucket",) + lk + (("le", b),)] = \
                    sum(1 for v in vs if v <= b)
            out[(fam + "_sum",) + lk] = a["sum"]
            out[(fam + "_count",) + lk] = len(vs)
    out[("files",)] = files
    out[("files_failed",)] = len(failed)
    for p in failed:
        out[("file_failure", ("path", p), ("reason", "parse"))] = 1
    return out


def written(text, prefix, store):
    """The same shape, read from xml2prom's output for one store."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            labels = dict(s.labels)
            if labels.pop("store", None) != store or \
                    not s.name.startswith(prefix + "_") or \
                    s.name == prefix + "_store_files" or \
                    s.name == prefix + "_store_label_conflicts":
                continue
            name = s.name[len(prefix) + 1:]
            le = labels.pop("le", None)
            key = (name,) + tuple(labels.items())
            if le is not None:
                key += (("le", float(le)),)
            out[key] = s.value
    return out


def per_file_series(text):
    """Series of the set with a path label: there must be none."""
    return [s for fam in text_string_to_metric_families(text)
            for s in fam.samples if "path" in s.labels and
            not s.name.endswith(("_read_success", "_read_failure",
                                 "_last_success_timestamp_seconds",
                                 "_file_size_bytes",
                                 "_file_modified_timestamp_seconds",
                                 "_read_duration_seconds",
                                 "_file_failure"))]


def main():
    args = sys.argv[1:]
    text_file = None
    if args[0] == "--text":
        text_file, args = args[1], args[2:]
    xml2prom, rows_xpath = args[0], args[1]
    opts = args[args.index("--") + 1:]
    o = parse_options(opts)
    if text_file is not None:
        with open(text_file) as f:
            text = f.read()
    else:
        run = subprocess.run([xml2prom, "-o", "-"] + opts,
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            print("# xml2prom exited %d: %s" % (run.returncode, run.stderr))
            return 1
        text = run.stdout
    bad = 0
    for s in per_file_series(text):
        bad += 1
        print("# a per-file series of an --across-files set: %s %s" % (
            s.name, s.labels))
    for store in o["stores"]:
        want = reference(store, rows_xpath, o)
        got = written(text, o["prefix"], store)
        for k in sorted(set(want) | set(got), key=repr):
            if k not in want or k not in got or want[k] != got[k]:
                bad += 1
                if bad <= 10:
                    print("# %s %r: xml2prom %r, lxml %r" % (
                        store, k, got.get(k), want.get(k)))
        print("# %s: %d files, %d failed, %d rows, %d series compared" % (
            store, want[("files",)], want[("files_failed",)],
            want[("total_rows",)], len(want)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
