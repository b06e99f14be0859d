#!/usr/bin/python3
"""consistency.py: one truth, against an independent reference.

usage: consistency.py XML2PROM PATTERNS EXPRESSIONS FAST STORE...

PATTERNS, EXPRESSIONS and FAST are files of one --rows pattern or one
--type expression per line (FAST: the expressions a streaming fast path
takes).  For every store x pattern x expression, xml2prom's counts must
equal lxml's (Debian's python3-lxml, parsing with entities substituted,
DTD attribute defaults, and CDATA as text (XPath's data model), then XPath on each row of
the whole tree); for the
FAST expressions, xml2prom's streamed counts must also equal its own row
trees' (concat(X, substring("", 1)) has the value of X but is never
streamed).  The same questions asked as row sets of one run (--set, up to
16 a run: every expression on one pattern, then each expression on a
pattern of its own, sets nesting in each other) must each give lxml's
answer for that set alone.  A
store lxml refuses must fail in xml2prom too.  Prints a 'STORE: ok N M' or
'STORE: not ok N M' line per store, N the comparisons made and M those that
could not be (a store lxml's libxml2 refuses, when xml2prom runs on
another release), then the differences.
"""
import re
import subprocess
import sys
from collections import Counter

from lxml import etree
from prometheus_client.parser import text_string_to_metric_families


def rows_xpath(pattern):
    """The XPath selecting what an xml2prom --rows pattern matches."""
    path = '' if pattern.startswith('/') else '//'
    for i, step in enumerate(pattern.lstrip('/').split('/')):
        if step == '':
            continue
        if i > 0:
            path += '/'
        path += '*' if step == '*' else "*[local-name()='%s']" % step
    return pattern[:len(pattern) - len(pattern.lstrip('/'))] + path \
        if pattern.startswith('/') else path


def lxml_counts(tree, pattern, expr):
    if tree is None:
        return 'refused'
    counts = Counter()
    for row in tree.xpath(rows_xpath(pattern)):
        value = row.xpath('string(%s)' % expr)
        counts[value if value != '' else 'unknown'] += 1
    return (sum(counts.values()), dict(counts))


def xml2prom_counts(binary, store, pattern, expr):
    run = subprocess.run([binary, '-o', '-', '--max-types=100000',
                          '-r', pattern, '-t', expr, store],
                         capture_output=True, text=True, check=False)
    total, counts = None, {}
    for family in text_string_to_metric_families(run.stdout):
        for sample in family.samples:
            if sample.name == 'store_total_rows':
                total = int(sample.value)
            elif sample.name == 'store_rows':
                counts[sample.labels['type']] = int(sample.value)
    return 'refused' if total is None else (total, counts)


SETS_PER_RUN = 16


def xml2prom_set_counts(binary, store, questions):
    """Each (pattern, expr) a set of one run: {index: (total, counts)}."""
    args = [binary, '-o', '-', '--max-series=1000000']
    for i, (pattern, expr) in enumerate(questions):
        args += ['--set', 'q%d' % i, '-r', pattern, '-t', expr]
    run = subprocess.run(args + [store], capture_output=True, text=True,
                         check=False)
    answers = {i: 'refused' for i in range(len(questions))}
    found = {}
    for family in text_string_to_metric_families(run.stdout):
        for sample in family.samples:
            m = re.match(r'store_q(\d+)_(total_rows|rows)$', sample.name)
            if m is None:
                continue
            total, counts = found.setdefault(int(m.group(1)), [None, {}])
            if m.group(2) == 'total_rows':
                found[int(m.group(1))][0] = int(sample.value)
            else:
                counts[sample.labels['type']] = int(sample.value)
    for i, (total, counts) in found.items():
        if total is not None:
            answers[i] = (total, counts)
    return answers


def set_questions(patterns, exprs):
    """Every expression on each pattern; then each on a pattern of its own,
    starting from the second (/*/*: rows that cannot nest, whose trees are
    cut to what their fields read, with other sets' rows inside them)."""
    for pattern in patterns:
        yield [(pattern, e) for e in exprs]
    yield [(patterns[(i + 1) % len(patterns)], e) for i, e in enumerate(exprs)]


def compare_sets(binary, store, tree, strict, patterns, exprs):
    compared, skipped, bad = 0, 0, []
    for questions in set_questions(patterns, exprs):
        for start in range(0, len(questions), SETS_PER_RUN):
            chunk = questions[start:start + SETS_PER_RUN]
            answers = xml2prom_set_counts(binary, store, chunk)
            for i, (pattern, expr) in enumerate(chunk):
                want = lxml_counts(tree, pattern, expr)
                if want == 'refused' and not strict:
                    skipped += 1
                    continue
                compared += 1
                if answers[i] != want:
                    bad.append("set %d of %d, -r '%s' -t '%s': lxml %s, "
                               "xml2prom %s" % (i, len(chunk), pattern,
                                                expr, want, answers[i]))
    return compared, skipped, bad


def lines(path):
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f if line.strip()]


def same_libxml2(binary):
    """Is lxml's libxml2 the one xml2prom runs on?  Only then must xml2prom
    refuse what lxml refuses: libxml2's limits change between releases
    (2.9 refuses entities nested 8 deep, 2.13 expands them)."""
    out = subprocess.run([binary, '--version'], capture_output=True,
                         text=True, check=False).stdout
    mine = re.search(r'libxml2 (\d+)\.(\d+)\.(\d+)', out)
    return mine is not None and \
        tuple(int(g) for g in mine.groups()) == etree.LIBXML_VERSION[:3]


def main():
    binary = sys.argv[1]
    strict = same_libxml2(binary)
    patterns, exprs, fast = (lines(p) for p in sys.argv[2:5])
    parser = etree.XMLParser(resolve_entities=True, attribute_defaults=True,
                             strip_cdata=True,
                             no_network=True, load_dtd=False)
    for store in sys.argv[5:]:
        try:
            tree = etree.parse(store, parser)
        except etree.XMLSyntaxError:
            tree = None
        compared, skipped, bad = 0, 0, []
        for pattern in patterns:
            for expr in exprs:
                mine = xml2prom_counts(binary, store, pattern, expr)
                want = lxml_counts(tree, pattern, expr)
                if want == 'refused' and not strict:
                    skipped += 1    # another libxml2's limits
                else:
                    compared += 1
                    if mine != want:
                        bad.append("-r '%s' -t '%s': lxml %s, xml2prom %s"
                                   % (pattern, expr, want, mine))
                if expr in fast:
                    tree_way = xml2prom_counts(binary, store, pattern,
                                               'concat(%s, substring("", 1))' % expr)
                    compared += 1
                    if tree_way != mine:
                        bad.append("-r '%s' -t '%s': streamed %s, tree %s"
                                   % (pattern, expr, mine, tree_way))
        c, k, b = compare_sets(binary, store, tree, strict, patterns, exprs)
        compared, skipped, bad = compared + c, skipped + k, bad + b
        print('%s: %s %d %d' % (store, 'not ok' if bad else 'ok', compared,
                                skipped))
        for line in bad[:5]:
            print('#   ' + line)


main()
