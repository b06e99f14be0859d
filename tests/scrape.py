#!/usr/bin/python3
"""scrape.py: reads what the real consumers serve, with the official
Prometheus client's parser (Debian's python3-prometheus-client), so that
tests compare parsed values, never substrings.

  scrape.py same URL FILE.prom        node_exporter serves exactly FILE's samples
  scrape.py types URL PATH TYPE...     the store_rows types of PATH are exactly these
  scrape.py hammer URL STOPFILE T...   scrape until STOPFILE exists; each scrape
                                       must be whole: total in T..., sum of rows = total;
                                       prints "SCRAPES BAD SEEN", SEEN the totals served
  scrape.py query URL PROMQL           prints a PromQL query's single value
"""
import json
import os
import sys
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode("utf-8")


def samples(text):
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def scrape_error(served):
    errs = [v for (n, _), v in served.items() if n == "node_textfile_scrape_error"]
    return errs[0] if errs else None


def same(url, path):
    served = samples(fetch(url))
    wanted = samples(open(path, encoding="utf-8").read())
    if scrape_error(served) != 0:
        sys.exit("node_textfile_scrape_error is %r" % scrape_error(served))
    bad = [(k, v, served.get(k)) for k, v in wanted.items() if served.get(k) != v]
    if bad or not wanted:
        sys.exit("differences: %r" % bad[:5])


def types(url, path, expected):
    served = samples(fetch(url))
    got = sorted(dict(l)["type"] for (n, l), _ in served.items()
                 if n.endswith("_rows") and not n.endswith("_total_rows")
                 and dict(l).get("path") == path)
    if got != sorted(expected):
        sys.exit("types %r, wanted %r" % (got, sorted(expected)))


def hammer(url, stopfile, totals):
    totals = {float(t) for t in totals}
    seen = set()
    scrapes = bad = 0
    while not os.path.exists(stopfile):
        served = samples(fetch(url))
        scrapes += 1
        total = [v for (n, _), v in served.items() if n == "store_total_rows"]
        rows = sum(v for (n, _), v in served.items() if n == "store_rows")
        if scrape_error(served) != 0 or len(total) != 1 or \
                total[0] not in totals or rows != total[0]:
            bad += 1
            print("# bad scrape: error=%r total=%r rows=%r"
                  % (scrape_error(served), total, rows))
        else:
            seen.add(total[0])
    print("%d %d %s" % (scrapes, bad, ",".join("%g" % t for t in sorted(seen))))


def query(url, expr):
    q = url + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    data = json.loads(fetch(q))
    result = data["data"]["result"]
    if data["status"] != "success" or len(result) != 1:
        sys.exit("no single result: %r" % data)
    print(result[0]["value"][1])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"same": same, "types": lambda u, p, *t: types(u, p, t),
     "hammer": lambda u, s, *t: hammer(u, s, t), "query": query}[cmd](*args)
