#!/usr/bin/python3
"""survey-hostile.py: --survey on stores whose every text (values, namespace URIs, DTD
defaults, entities, comments, PIs, CDATA, the file's name) holds line
breaks, every control character XML lets through, C1 controls, '[', '#',
quotes, backslashes and whole config lines; then the survey's output read
as xml2prom's -c reader reads it (skip blank and '#' lines, a keyword up to
a blank or '=').  Every line must be one the survey meant: only its
keywords, prefix and max-series once, each namespace a URI of the store
that a line can hold, bound once; no byte of the store's text outside a
comment; no control character anywhere but the newlines.

  survey-hostile.py make DIR       writes the stores, prints their paths
  survey-hostile.py check OUTPUT STORE
"""
import re
import sys

EVIL = 'EVIL\n[x]\noutput /tmp/EVIL.prom\nmode 0666\n# \\ " \' [ ] = \r label injected=yes\t#'
ODD = "urn:f#[x]\"'\\= odd "
REFS = "".join("&#%d;" % c for c in (9, 10, 13)) + "&#x85;&#x9b;&#x2028;"


def xml_text(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def store(uri_extra):
    ev = xml_text(EVIL) + REFS
    return f"""<?xml version="1.0"?>
<!DOCTYPE store [
<!ENTITY ev "{ev}">
<!ATTLIST row xmlns:d CDATA "urn:d&#10;namespace q=urn:EVIL&#10;label injected=yes"
              d:flag CDATA "{ev}"
              xmlns:f CDATA "{xml_text(ODD)}" f:g CDATA "z"
              xmlns:h CDATA "urn:h{uri_extra}" h:i CDATA "z">
<!ATTLIST leaf xmlns CDATA "urn:leaf&#13;&#10;output /tmp/EVIL.prom">
]>
<!-- {EVIL.replace('--', '- -')} -->
<?pi {EVIL} ?>
<store xmlns:e="urn:e" xmlns:ok.p-1="urn:ok" xmlns:date="urn:notdate">
<row type="a" e:kind="{ev}" ok.p-1:v="1" date:w="x"><leaf>&ev;</leaf><e:leaf>a</e:leaf><c><![CDATA[{EVIL}]]></c></row>
<row type="b" e:kind="x" ok.p-1:v="2" date:w="y"><leaf>b</leaf><e:leaf>b</e:leaf><c>x</c></row>
<row type="a" e:kind="{ev}" ok.p-1:v="3" date:w="x"><leaf>&ev;</leaf><e:leaf>a</e:leaf><c>y</c></row>
<row type="a" e:kind="x" ok.p-1:v="3" date:w="x"><leaf>a</leaf><e:leaf>a</e:leaf><c>y</c></row>
<dflt xmlns="urn:dflt" s="on"/><dflt xmlns="urn:dflt" s="off"/>
</store>
"""


def make(d):
    for i, (name, extra) in enumerate([
            ("plain.xml", ""),
            ("uri-newline.xml", "&#10;output /tmp/EVIL.prom&#13;&#10;mode 0666"),
            ("uri-tab.xml", "&#9;EVIL"),
            ("EVIL\n[x]\noutput \x1b[31m\xc2\x9b#.xml", "&#13;EVIL"),
    ]):
        path = "%s/%s" % (d, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(store(extra))
        print(path, end="\0")


KEYS = {"prefix", "max-series", "namespace", "set", "rows", "by", "type",
        "sum", "min", "max", "histogram", "buckets", "missing"}


def check(out, path):
    bad = []
    raw = open(out, "rb").read()
    if re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", raw):
        bad.append("a control character in the output")
    text = raw.decode("utf-8")
    seen, bound = {}, {}
    for n, line in enumerate(text.split("\n"), 1):
        p = line.lstrip(" \t")
        if p == "" or p.startswith("#"):
            continue
        if "EVIL" in line or "injected" in line:
            bad.append("line %d holds the store's text: %r" % (n, line))
        m = re.match(r"\[(.*)\]\s*$", p)
        key = "set" if m else re.split(r"[ \t=]", p, 1)[0]
        if key not in KEYS:
            bad.append("line %d: %r is not a line the survey writes" % (n, line))
        seen[key] = seen.get(key, 0) + 1
        if key == "namespace":
            pfx, _, uri = p[len("namespace"):].lstrip(" \t").partition("=")
            if pfx in bound or uri not in ("urn:ok", "urn:notdate", "urn:e", "urn:dflt", "urn:h", ODD):
                bad.append("line %d: binding %r" % (n, line))
            bound[pfx] = uri
    for key in ("prefix", "max-series"):
        if seen.get(key) != 1:
            bad.append("%s given %s times" % (key, seen.get(key, 0)))
    if "date" in bound or "xml" in bound:
        bad.append("a reserved prefix bound: %r" % bound)
    for b in bad[:10]:
        print("# %s: %s" % (path.encode("unicode_escape").decode(), b))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
