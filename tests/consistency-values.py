#!/usr/bin/python3
"""consistency-values.py: values against independent references.

usage: consistency-values.py XML2PROM SCRATCH SEED SECONDS

Until SECONDS have passed (at least one round), from SEED: a generated
store (rows in rows of one name and of others, numbers in attributes and
in text: random decimals and number()'s edge cases, blanks around them,
1100 blanks, not numbers), then runs of one to four row sets on it
(patterns that nest and overlap), each with one to three labels (streamed
and on the row's tree, some read at the row's end tag) and one to four
families (--sum, --min, --max, --histogram) of a value, keyed by every
label or some.  Every series must equal what lxml (python3-lxml, an
XPath of its own over the whole tree) gives: rows in document order, each
value number() of the expression, sums added in that order.  Then
date:seconds() of generated dates against xsltproc (libexslt), to the
15 significant digits xsltproc prints.  Prints
the figures, then at most 10 differences; exit 1 if any.
"""
import math
import random
import re
import subprocess
import sys
import time

from lxml import etree

NAN = float('nan')
EDGES = ['', ' ', '0', '-0', '1', '-1', '0.1', '0.2', '0.3', '0.7', '.5',
         '-.5', '5.', '1.', '+1', '1e3', '1E3', 'NaN', 'Infinity',
         '-Infinity', '0x10', '1,5', '00012', ' 12 ', '\t2\n', ' \n 7.25 \t',
         '-', '.', '1 2', '--1', '9007199254740993', '4503599627370497.5',
         '123456789012345678901234567890', '0.30000000000000004',
         '3.14159265358979323846264338327950288', '1' + '0' * 400,
         '0.' + '0' * 330 + '1', '1e-5', 'abc', '2026-01-01',
         ' ' * 1100 + '5', 'x' + ' ' * 1100, '1e308', '179' + '9' * 306]
LABELS = ['@t', 'string(@t)', 'count(x)', 'name(..)', 'concat(@t, count(x))',
          'string(n)', 'concat(@t, substring("", count(namespace::*)))',
          'name()', 'string(../@t)']
VALUES = ['@v', 'n', 'number(@v)', 'number(n)', 'x/@v', '../@v',
          'concat(@v, substring("", count(namespace::*)))', '@v * 2',
          'string(n)', 'sum(.//@v)']
PATTERNS = ['//r', '//k', '/*/*', '//r/k', 'r', '*', '//*', '//k/r']
AGGS = ['sum', 'min', 'max', 'histogram']
BOUNDS = '-1,0,0.25,1,10,1000'


def decimal(rnd):
    sign = rnd.choice(['', '', '-'])
    whole = str(rnd.randint(0, 10 ** rnd.randint(0, 17)))
    frac = ''.join(rnd.choice('0123456789') for _ in range(rnd.randint(0, 20)))
    return sign + (whole + '.' + frac if frac else whole)


# number('-') is NaN from libxml2 2.11 on (608c65bb, as XPath 1.0's
# Number has a digit), -0 before; xml2prom answers as the libxml2 it runs
# on.  When lxml's release and xml2prom's (make compat) fall on either
# side, no reference can say what is right for '-', so it is written '--'
# (NaN on every release), drawn the same way so a seed gives the same
# store.
MINUS = '-'


def minus_differs(binary):
    out = subprocess.run([binary, '--version'], capture_output=True,
                         text=True, check=False).stdout
    m = re.search(r'\(libxml2 (\d+)\.(\d+)', out)
    if m is None:
        return False
    ours = (int(m.group(1)), int(m.group(2))) >= (2, 11)
    return ours != (etree.LIBXML_VERSION[:2] >= (2, 11))


def number_text(rnd):
    v = rnd.choice(EDGES) if rnd.random() < 0.4 else decimal(rnd)
    return '--' if v == '-' and MINUS != '-' else v


def attr(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('"', '&quot;') \
        .replace('\t', '&#9;').replace('\n', '&#10;')


def element(rnd, depth, out):
    name = rnd.choice(['r', 'r', 'k', 'q'])
    out.append('<%s t="%s" v="%s">' % (name, rnd.choice('abc'),
                                       attr(number_text(rnd))))
    if rnd.random() < 0.5:
        out.append('<n>%s</n>' % attr(number_text(rnd)))
    if rnd.random() < 0.3:
        out.append('<x v="%s"/>' % attr(number_text(rnd)))
    if depth < 5:
        for _ in range(rnd.randint(0, 3 if depth < 3 else 1)):
            element(rnd, depth + 1, out)
    out.append('</%s>' % name)


def store(rnd, path):
    out = ['<s t="top" v="1">']
    for _ in range(rnd.randint(3, 25)):
        element(rnd, 1, out)
    out.append('</s>\n')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(out))


def rows_xpath(pattern):
    """What an xml2prom --rows pattern selects, as XPath (these patterns
    are XPath already; a relative one matches at any depth)."""
    return pattern if pattern.startswith('/') else '//' + pattern


def question(rnd, n):
    labels = ['l%d' % i for i in range(rnd.randint(1, 3))]
    sets = []
    for k in range(n):
        lab = [(l, rnd.choice(LABELS)) for l in labels[:rnd.randint(1, len(labels))]]
        fams = []
        for j in range(rnd.randint(1, 4)):
            keyed = [l for l, _ in lab if rnd.random() < 0.6]
            fams.append(('f%d' % j, rnd.choice(AGGS), keyed, rnd.choice(VALUES),
                         rnd.random() < 0.5))
        sets.append(('q%d' % k, rnd.choice(PATTERNS), lab, fams))
    return sets


def args_of(sets):
    args = ['-o', '-', '--max-series=1000000']
    for name, pattern, lab, fams in sets:
        args += ['--set', name, '-r', pattern]
        for l, e in lab:
            args += ['-b', '%s=%s' % (l, e)]
        for f, agg, keyed, e, every in fams:
            head = f if every else f + ':' + ','.join(keyed)
            args += ['--%s' % agg, '%s=%s' % (head, e)]
            if agg == 'histogram':
                args += ['--buckets', '%s=%s' % (f, BOUNDS)]
    return args


def finite(x):
    return not (math.isnan(x) or math.isinf(x))


def reference(tree, sets):
    """{(series name, labels tuple): value} as lxml gives them."""
    want = {}
    bounds = [float(b) for b in BOUNDS.split(',')]
    for name, pattern, lab, fams in sets:
        rows = tree.xpath(rows_xpath(pattern))
        pre = 'store_%s_' % name
        want[(pre + 'total_rows', ())] = float(len(rows))
        acc = {}
        for row in rows:    # document order
            values = [(l, row.xpath('string(%s)' % e) or 'unknown') for l, e in lab]
            key = tuple(values)
            want[(pre + 'rows', key)] = want.get((pre + 'rows', key), 0.0) + 1
            for f, agg, keyed, e, every in fams:
                k = key if every else tuple(p for p in values if p[0] in keyed)
                v = row.xpath('number(%s)' % e)
                a = acc.setdefault((f, agg, k), [0.0, None, None, 0, [0] * len(bounds)])
                if not finite(v):
                    continue
                a[0] += v
                a[1] = v if a[1] is None or v < a[1] else a[1]
                a[2] = v if a[2] is None or v > a[2] else a[2]
                a[3] += 1
                for i, b in enumerate(bounds):
                    if v <= b:
                        a[4][i] += 1
        for (f, agg, k), (s, lo, hi, n, buckets) in acc.items():
            if agg == 'sum':
                want[(pre + f, k)] = s
            elif agg in ('min', 'max') and n > 0:
                want[(pre + f, k)] = lo if agg == 'min' else hi
            elif agg == 'histogram':
                want[(pre + f + '_sum', k)] = s
                want[(pre + f + '_count', k)] = float(n)
                want[(pre + f + '_bucket', k + (('le', '+Inf'),))] = float(n)
    return want


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$')
PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(s):
    return re.sub(r'\\(.)', lambda m: '\n' if m.group(1) == 'n' else m.group(1), s)


def parsed(text, sets):
    got = {}
    names = {'store_%s_' % s[0] for s in sets}
    for line in text.splitlines():
        m = LINE.match(line)
        if m is None or not any(m.group(1).startswith(p) for p in names):
            continue
        if '_skipped_values' in m.group(1):
            continue
        pairs = tuple((k, unescape(v)) for k, v in PAIR.findall(m.group(2))
                      if k != 'path')
        if m.group(1).endswith('_bucket') and pairs[-1] != ('le', '+Inf'):
            continue    # finite buckets: checked by the count and the unit tests
        got[(m.group(1), pairs)] = float(m.group(3))
    return got


def over_limit(want):
    return any(len(v.encode()) > 1024 for (_, k) in want for _, v in k)


def dates(binary, scratch, rnd, figures, bad):
    """date:seconds() of generated strings: xml2prom against xsltproc."""
    texts = []
    for _ in range(200):
        y = rnd.choice(['2026', '1970', '0001', '12345', '-0044', '1999'])
        t = y + rnd.choice(['', '-02', '-12-31', '-02-29', '-13-01'])
        if len(t) >= 10 and rnd.random() < 0.7:
            t += 'T%02d:%02d:%02d' % (rnd.randint(0, 24), rnd.randint(0, 59),
                                      rnd.randint(0, 60))
            t += rnd.choice(['', '.5', '.123456789'])
        t += rnd.choice(['', 'Z', '+01:00', '-14:00', '+15:00'])
        texts.append(rnd.choice([t, t, 'P1DT2H', 'PT0.5S', '-P3D', ' ' + t, 'x']))
    path = scratch + '/dates.xml'
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<s>%s</s>\n' % ''.join('<r i="%d" d="%s"/>' % (i, attr(t))
                                        for i, t in enumerate(texts)))
    xsl = scratch + '/dates.xsl'
    with open(xsl, 'w', encoding='utf-8') as f:
        f.write('<xsl:stylesheet version="1.0" '
                'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
                'xmlns:date="http://exslt.org/dates-and-times" '
                'extension-element-prefixes="date"><xsl:output method="text"/>'
                '<xsl:template match="/"><xsl:for-each select="//r">'
                '<xsl:value-of select="@i"/> <xsl:text> </xsl:text>'
                '<xsl:value-of select="date:seconds(@d)"/><xsl:text>&#10;'
                '</xsl:text></xsl:for-each></xsl:template></xsl:stylesheet>')
    ref = subprocess.run(['xsltproc', xsl, path], capture_output=True,
                         text=True, check=True).stdout
    want = {}
    for line in ref.splitlines():
        i, v = line.split(' ', 1)
        v = float(v.strip())
        if finite(v):
            want[('store_d', (('i', i),))] = v
    run = subprocess.run([binary, '-o', '-', '--max-series=100000', '-r', '//r',
                          '-b', 'i=@i', '--max', 'd=date:seconds(@d)', path],
                         capture_output=True, text=True, check=False)
    got = {k: v for k, v in parsed(run.stdout.replace('store_d{', 'store_q_d{'),
                                   [('q',)]).items()}
    got = {('store_d', k): v for (n, k), v in got.items() if n == 'store_q_d'}
    # xsltproc prints a number as XPath's string() does: 15 digits
    got = {k: float('%.15g' % v) for k, v in got.items()}
    figures['dates'] += len(texts)
    figures['series'] += len(want)
    if got != want:
        bad.append('dates: %s' % sorted(set(got.items()) ^ set(want.items()))[:4])


def main():
    binary, scratch, seed, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        float(sys.argv[4])
    rnd = random.Random(seed)
    global MINUS
    MINUS = '--' if minus_differs(binary) else '-'
    figures = {'stores': 0, 'runs': 0, 'sets': 0, 'series': 0, 'skipped': 0,
               'dates': 0}
    bad = []
    start = time.monotonic()
    parser = etree.XMLParser(no_network=True, load_dtd=False)
    while figures['runs'] == 0 or time.monotonic() - start < seconds:
        path = '%s/values-%d.xml' % (scratch, figures['stores'])
        store(rnd, path)
        figures['stores'] += 1
        tree = etree.parse(path, parser)
        for _ in range(5):
            sets = question(rnd, rnd.randint(1, 4))
            want = reference(tree, sets)
            if over_limit(want):
                figures['skipped'] += 1    # a label over 1024 bytes fails, by design
                continue
            run = subprocess.run([binary] + args_of(sets) + [path],
                                 capture_output=True, text=True, check=False)
            got = parsed(run.stdout, sets)
            figures['runs'] += 1
            figures['sets'] += len(sets)
            figures['series'] += len(want)
            if run.returncode != 0 or got != want:
                diff = sorted((k, want.get(k), got.get(k)) for k in
                              set(want) | set(got) if want.get(k) != got.get(k))
                bad.append('seed %d store %s: xml2prom %s: exit %d: %s' % (
                    seed, path, ' '.join("'%s'" % a for a in args_of(sets)),
                    run.returncode, diff[:3]))
        dates(binary, scratch, rnd, figures, bad)
    print('values: %d stores, %d runs, %d row sets, %d series compared, '
          '%d dates, %d questions not asked (a label over the limit), '
          '%d disagreements, seed %d' % (
              figures['stores'], figures['runs'], figures['sets'],
              figures['series'], figures['dates'], figures['skipped'],
              len(bad), seed) + (
              ", '-' written '--' (number('-') differs: lxml's libxml2 %s)"
              % '.'.join(map(str, etree.LIBXML_VERSION)) if MINUS != '-' else ''))
    for line in bad[:10]:
        print('#   ' + line[:1500])
    return 1 if bad else 0


sys.exit(main())
