#!/usr/bin/python3
"""python_way.py: what xml2prom replaces, done the usual Python way, for the
benchmark: count the rows of a store by @type and write a .prom file with
prometheus_client (Debian's python3-prometheus-client).

usage: python_way.py iterparse|parse STORE OUTPUT.prom
"""
import sys
import xml.etree.ElementTree as ET

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile


def count_iterparse(path):
    counts, depth, root = {}, 0, None
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth == 1:
                root = elem
            elif depth == 2:
                t = elem.get("type", "")
                counts[t] = counts.get(t, 0) + 1
        else:
            depth -= 1
            if depth == 1:
                root.clear()        # keep memory flat: drop finished rows
    return counts


def count_parse(path):
    counts = {}
    for row in ET.parse(path).getroot():
        t = row.get("type", "")
        counts[t] = counts.get(t, 0) + 1
    return counts


def main():
    mode, path, out = sys.argv[1:4]
    counts = count_iterparse(path) if mode == "iterparse" else count_parse(path)
    registry = CollectorRegistry()
    total = Gauge("store_total_rows", "Total rows in store", ["path"],
                  registry=registry)
    rows = Gauge("store_rows", "Rows in store by type", ["path", "type"],
                 registry=registry)
    total.labels(path).set(sum(counts.values()))
    for t, n in counts.items():
        rows.labels(path, t).set(n)
    write_to_textfile(out, registry)


if __name__ == "__main__":
    main()
