#!/usr/bin/python3
"""where_first_last.py: --where, --first and --last against lxml.

usage: where_first_last.py XML2PROM STORE:PATTERN...

For every store (with its --rows pattern) x --where expression (WHERE
below), xml2prom's total_rows and rows by type must equal lxml's:
the rows where XPath's boolean(EXPR) holds, counted by string(@type);
the same expression forced onto the row's tree (a namespace:: test that
never streams) must agree too.  For every store x value expression
(VALUES), --first and --last by type must equal the number() of the
first and last row in document order whose value is a finite number,
with a label read at the end tags (count(x)) and without, so that
rows inside rows are picked by their start tags however they are read.
Prints 'ok N' or 'not ok N' and the differences; N comparisons.
"""
import math
import subprocess
import sys
from collections import Counter

from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

WHERE = [
    '@type="cd"', 'string(@type)="cd"', 'number(amount) > 200',
    'amount > 200', 'not(note)', 'note', 'boolean(category)',
    'contains(title, "1")', 'count(*) > 2', '@status', 'string(@status)',
    'number(@id) mod 2', 'number(@v) mod 2', 'starts-with(category, "f") or @type="book"',
    '../@version = 3', 'line', 'not(line)', 'string(note) != ""',
    'normalize-space(note)', '@v', 'number(@v) >= 2', 'string-length(@k) = 1',
]
VALUES = ['amount', '@id', 'number(amount) * 2', 'string-length(title)',
          '@v', 'count(line)', 'number(@v) - 1']


def rows_xpath(pattern):
    return pattern if pattern.startswith('/') else '//' + pattern


def run(binary, args, store):
    out = subprocess.run([binary, '-o', '-', '--max-series=100000'] + args +
                         [store], capture_output=True, text=True, check=False)
    found = {}
    for family in text_string_to_metric_families(out.stdout):
        for s in family.samples:
            found.setdefault(s.name, {})[s.labels.get('type')] = s.value
    return found, out.stderr


def where_case(binary, tree, store, pattern, expr):
    rows = [r for r in tree.xpath(rows_xpath(pattern))
            if r.xpath('boolean(%s)' % expr)]
    want = (len(rows), dict(Counter(r.xpath('string(@type)') or 'unknown'
                                    for r in rows)))
    answers = []
    for e in (expr, '(%s) and count(namespace::*) >= 0' % expr):
        found, err = run(binary, ['-r', pattern, '--where', e], store)
        total = found.get('store_total_rows', {}).get(None)
        got = (None if total is None else int(total),
               {k: int(v) for k, v in found.get('store_rows', {}).items()})
        answers.append((e, got, err))
    return want, answers


def number(row, expr):
    v = row.xpath('number(%s)' % expr)
    return v if math.isfinite(v) else None


def first_last_case(binary, tree, store, pattern, expr):
    firsts, lasts = {}, {}
    for row in tree.xpath(rows_xpath(pattern)):
        v = number(row, expr)
        if v is None:
            continue
        t = row.xpath('string(@type)') or 'unknown'
        firsts.setdefault(t, v)
        lasts[t] = v
    answers = []
    for extra in ([], ['-b', 'l=count(x|line)']):
        args = ['-r', pattern, '-t', '@type', '--first', 'f:type=' + expr,
                '--last', 'z:type=' + expr] + extra
        found, err = run(binary, args, store)
        answers.append((' '.join(extra), found.get('store_f', {}),
                        found.get('store_z', {}), err))
    return (firsts, lasts), answers


def main():
    binary, specs = sys.argv[1], sys.argv[2:]
    parser = etree.XMLParser(resolve_entities=True, strip_cdata=True)
    compared, bad = 0, []
    for spec in specs:
        store, pattern = spec.rsplit(':', 1)
        tree = etree.parse(store, parser)
        for expr in WHERE:
            want, answers = where_case(binary, tree, store, pattern, expr)
            for e, got, err in answers:
                compared += 1
                if got != want:
                    bad.append('%s -r %s --where %s: xml2prom %s, lxml %s %s'
                               % (store, pattern, e, got, want, err))
        for expr in VALUES:
            want, answers = first_last_case(binary, tree, store, pattern, expr)
            for extra, f, z, err in answers:
                compared += 1
                if (f, z) != want:
                    bad.append('%s -r %s %s of %s: xml2prom %s %s, lxml %s %s'
                               % (store, pattern, extra, expr, f, z, want, err))
    print('%s %d' % ('not ok' if bad else 'ok', compared))
    for line in bad[:20]:
        print(line)


main()
