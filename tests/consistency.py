#!/usr/bin/python3
"""consistency.py: one truth, against an independent reference.

usage: consistency.py XML2PROM PATTERNS EXPRESSIONS FAST STORE...

PATTERNS, EXPRESSIONS and FAST are files of one --rows pattern or one
--type expression per line (FAST: those a streaming read takes).  For
every store x pattern x expression, xml2prom's counts must equal lxml's
(Debian's python3-lxml, parsing with entities substituted, DTD attribute
defaults, and CDATA as text (XPath's data model), then XPath on each row
of the whole tree), asked alone (on the first three patterns); and as
row sets of one run
(--set, up to 16 a run): every expression on one pattern, with each FAST
one also forced onto the row's tree (concat(X, substring("", count(namespace::*))) has the
value of X but is never streamed), then each expression on a pattern of
its own, sets nesting in each other.  A store lxml refuses must fail in
xml2prom too.  Prints a 'STORE: ok N M' or 'STORE: not ok N M' line per
store, N the comparisons made and M those that could not be (a store
lxml's libxml2 refuses, when xml2prom runs on another release; a label
longer than xml2prom's limit, which fails its store by design), then the
differences.
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
        value = row.xpath('string(%s)' % expr, namespaces=NAMESPACES)
        counts[value if value != '' else 'unknown'] += 1
    return (sum(counts.values()), dict(counts))


def xml2prom_counts(binary, store, pattern, expr):
    run = subprocess.run([binary, '-o', '-', '--max-types=100000'] + NS_ARGS + [
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
# Each expression is asked alone on the first patterns, and as row sets on
# every pattern (16 questions a run): the set runs are the breadth, the
# runs alone the baseline they are held to as well.
ALONE_PATTERNS = 3
# tests/expressions uses the prefix p
NAMESPACES = {'p': 'urn:p'}
NS_ARGS = ['-n', 'p=urn:p']


def xml2prom_set_counts(binary, store, questions):
    """Each (pattern, expr) a set of one run: {index: (total, counts)}."""
    args = [binary, '-o', '-', '--max-series=1000000'] + NS_ARGS
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


def forced(expr):
    """The same string, never streamed: read on the row's tree."""
    return 'concat(%s, substring("", count(namespace::*)))' % expr


def set_questions(patterns, exprs, fast):
    """Every expression on each pattern, and each streamed one forced onto
    the row's tree; then each on a pattern of its own, starting from the
    second (/*/*: rows that cannot nest, whose trees are cut to what their
    fields read, with other sets' rows inside them)."""
    for pattern in patterns:
        yield [(pattern, e) for e in exprs] + \
            [(pattern, forced(e)) for e in fast]
    yield [(patterns[(i + 1) % len(patterns)], e) for i, e in enumerate(exprs)]


MAX_FIELD_LEN = 1024    # scan.h: a longer label fails the store, by design


def over_limit(want):
    return want != 'refused' and \
        any(len(k.encode('utf-8')) > MAX_FIELD_LEN for k in want[1])


class Comparison:
    """Comparisons made, those that cannot be, and the differences."""

    def __init__(self, strict):
        self.strict = strict
        self.compared, self.skipped, self.bad = 0, 0, []

    def comparable(self, want):
        """lxml refuses what another libxml2 reads; a label longer than
        xml2prom's limit fails its store: neither is a wrong answer."""
        if (want == 'refused' and not self.strict) or over_limit(want):
            self.skipped += 1
            return False
        return True

    def check(self, what, want, mine):
        self.compared += 1
        if mine != want:
            self.bad.append('%s: lxml %s, xml2prom %s' % (what, want, mine))


def compare_sets(binary, store, answers, cmp, patterns, exprs, fast):
    for questions in set_questions(patterns, exprs, fast):
        asked = [q for q in questions if cmp.comparable(answers(*q))]
        for start in range(0, len(asked), SETS_PER_RUN):
            chunk = asked[start:start + SETS_PER_RUN]
            got = xml2prom_set_counts(binary, store, chunk)
            for i, (pattern, expr) in enumerate(chunk):
                cmp.check("set %d of %d, -r '%s' -t '%s'" % (
                    i, len(chunk), pattern, expr), answers(pattern, expr),
                    got[i])


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
        cache = {}

        def answers(pattern, expr):
            key = (pattern, expr[len('concat('):-len(', substring("", count(namespace::*)))')]
                   if expr.startswith('concat(') and
                   expr.endswith(', substring("", count(namespace::*)))') else expr)
            if key not in cache:
                cache[key] = lxml_counts(tree, *key)
            return cache[key]

        cmp = Comparison(strict)
        for pattern in patterns[:ALONE_PATTERNS]:
            for expr in exprs:
                want = answers(pattern, expr)
                if cmp.comparable(want):
                    cmp.check("-r '%s' -t '%s'" % (pattern, expr), want,
                              xml2prom_counts(binary, store, pattern, expr))
        compare_sets(binary, store, answers, cmp, patterns, exprs, fast)
        print('%s: %s %d %d %s' % (store, 'not ok' if cmp.bad else 'ok',
                                   cmp.compared, cmp.skipped,
                                   'same' if strict else 'other'))
        for line in cmp.bad[:5]:
            print('#   ' + line[:300])


main()
