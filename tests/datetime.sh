#!/bin/bash
# datetime.sh: date:seconds() against libexslt, the EXSLT implementation
# xsltproc (and xmlstarlet) users already rely on.  A generated table of
# inputs, every class of the EXSLT definition (dateTime, date,
# gYearMonth, gYear, duration) valid, at its bounds and broken, goes
# through xsltproc and through xml2prom's own datetime_seconds()
# (build/datetime-table): each answer must be the same number, as XPath
# writes it and to the last bit (DATETIME_SEED=N for another table).  libexslt is a reference
# here only: xml2prom itself depends on libxml2 alone.
. "$(dirname "$0")/lib.sh"

seed=${DATETIME_SEED:-1}
/usr/bin/python3 - "$scratch" "$seed" <<'PY'
import random, sys
from xml.sax.saxutils import escape
out, rnd = sys.argv[1], random.Random(int(sys.argv[2]))
vals = []
def year():
    return rnd.choice([rnd.randint(1, 9999), rnd.randint(1, 9999),
                       rnd.choice([1, 4, 100, 400, 1582, 1900, 1969, 1970,
                                   2000, 2024, 2100, 9999]),
                       rnd.randint(10000, 10**16), 10**16 - 1, 10**16,
                       10**17, 12617200458937994, 12617200458937995])
def ystr(y, neg=False):
    return ('-' if neg else '') + '%04d' % y
def zone():
    return rnd.choice(['', '', 'Z', '+00:00', '-00:00', '+01:00', '-05:30',
                       '+14:00', '-14:00', '+23:59', '-23:59', '+24:00',
                       '+05:60', '+5:00', 'z', '+0100'])
def frac():
    return rnd.choice(['', '', '.5', '.999', '.0', '.000001', '.123456789',
                       '.' + ''.join(rnd.choice('0123456789') for _ in range(20)), '.'])
for _ in range(400):
    y, neg = year(), rnd.random() < 0.15
    m, d = rnd.randint(1, 12), rnd.randint(1, 31)
    if rnd.random() < 0.2:
        m, d = 2, rnd.choice([28, 29, 30])
    hh, mm, ss = rnd.randint(0, 24), rnd.randint(0, 60), rnd.randint(0, 61)
    date = '%s-%02d-%02d' % (ystr(y, neg), m, d)
    vals += [date + 'T%02d:%02d:%02d%s%s' % (hh, mm, ss, frac(), zone()),
             date + zone(), '%s-%02d%s' % (ystr(y, neg), m, zone()),
             ystr(y, neg) + zone()]
for _ in range(300):
    items, t = [], []
    for des in 'YMD':
        if rnd.random() < 0.4:
            items.append('%d%s' % (rnd.choice([0, 0, 1, 2, 31, 365, 10**6, 10**17, 2**63]), des))
    for des in 'HMS':
        if rnd.random() < 0.5:
            n = rnd.choice([0, 1, 25, 59, 61, 1441, 86401, 10**12, 10**18])
            t.append('%d%s%s' % (n, frac() if des == 'S' else '', des))
    dur = rnd.choice(['', '', '-']) + 'P' + ''.join(items) + ('T' + ''.join(t) if t or rnd.random() < 0.1 else '')
    vals.append(dur)
fixed = ['P1D', 'PT1H30M', 'P2DT3H', '2026', '2026-11', '-0001-01-01T00:00:00Z',
         ' 2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z ', '2026-11:00', '2026Zx',
         '0000-01-01', '-0000', '+2026', '012345', '12345', '10:00:00', '10:00:00Z',
         '--11-30', '--11--', '---30', 'P', 'PT', '-P', 'P1DT', 'PT.5S', 'PT5.S',
         'P1.5D', 'P1Y', 'P0Y1D', 'P1M1D', 'P1D1D', 'PT1H1H', 'P1H', 'PT1D', '',
         '1970-01-01', '1969-12-31T23:59:59Z', '-0004-02-29', '-0005-02-29',
         '-0001-02-29', '1900-02-29', '2000-02-29', '2026-02-29']
vals += fixed
# broken copies: a character dropped, doubled or replaced
for v in list(vals[:300]):
    if not v:
        continue
    i = rnd.randrange(len(v))
    vals.append(rnd.choice([v[:i] + v[i + 1:], v[:i] + v[i] + v[i:],
                            v[:i] + rnd.choice('0-:TZ.P ') + v[i + 1:]]))
with open(out + '/values', 'w') as f:
    f.write(''.join(v + '\n' for v in vals))
PY
check "the table of inputs was made (seed $seed)" test -s "$scratch/values"
"$top/build/datetime-table" <"$scratch/values" >"$scratch/ours"
check "build/datetime-table ran" test $? -eq 0
# Each value with xml2prom's answer beside it, past 2**53 as HI * 2**32 +
# LO (both exact in XPath), for xsltproc to compare exactly: format-number
# does not print such numbers to the last digit.
/usr/bin/python3 - "$scratch" <<'PY'
import math, sys
from xml.sax.saxutils import escape, quoteattr
d = sys.argv[1]
vals = open(d + '/values').read().split('\n')[:-1]
ours = [float(l.split('\t')[1]) for l in open(d + '/ours').read().split('\n')[:-1]]
with open(d + '/values.xml', 'w') as f:
    f.write('<r>')
    for v, o in zip(vals, ours):
        hi = lo = 0
        if not math.isnan(o) and abs(o) >= 2**53:
            hi = math.floor(o / 2**32)
            lo = int(o) - hi * 2**32
        f.write('<v hi="%d" lo="%d">%s</v>' % (hi, lo, escape(v)))
    f.write('</r>\n')
PY
cat >"$scratch/seconds.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:date="http://exslt.org/dates-and-times" extension-element-prefixes="date">
<xsl:output method="text"/>
<xsl:template match="/">
<xsl:for-each select="//v">
<xsl:variable name="s" select="date:seconds(string(.))"/>
<xsl:value-of select="concat($s, '&#9;', format-number($s, '0.##########'), '&#9;',
    $s = @hi * 4294967296 + @lo, '&#10;')"/>
</xsl:for-each>
</xsl:template>
</xsl:stylesheet>
XSL
xsltproc "$scratch/seconds.xsl" "$scratch/values.xml" >"$scratch/exslt" 2>"$scratch/exslt.err"
check "xsltproc ran" test $? -eq 0 -a ! -s "$scratch/exslt.err" || cat "$scratch/exslt.err"
/usr/bin/python3 - "$scratch/values" "$scratch/exslt" "$scratch/ours" >"$scratch/report" <<'PY'
import sys
vals = open(sys.argv[1]).read().split('\n')[:-1]
exslt = open(sys.argv[2]).read().split('\n')[:-1]
ours = open(sys.argv[3]).read().split('\n')[:-1]
assert len(vals) == len(exslt) == len(ours), (len(vals), len(exslt), len(ours))
bad = numbers = 0
for v, e, o in zip(vals, exslt, ours):
    e_str, e_digits, e_exact = e.split('\t')
    o_str, o_num = o.split('\t')
    o_num = float(o_num)
    same = e_str == o_str
    if same and e_str != 'NaN':
        numbers += 1
        if abs(o_num) >= 2**53:
            same = e_exact == 'true'
        else:   # 10 decimals shown, the last one rounded
            same = abs(float(e_digits) - o_num) <= 1e-10 + abs(o_num) * 2**-52
    if not same:
        bad += 1
        print('# %r: libexslt %s (%s), xml2prom %s (%r)' % (v, e_str, e_digits, o_str, o_num))
print('%d values, %d numbers, %d differ' % (len(vals), numbers, bad))
PY
tail -n 1 "$scratch/report"
check "every value: xml2prom's date:seconds() = libexslt's ($(tail -n 1 "$scratch/report"))" \
    grep -qE '^[0-9]+ values, [0-9]+ numbers, 0 differ$' "$scratch/report" ||
    head -n 20 "$scratch/report"
check "the table holds numbers, not only NaN" \
    awk '/ values, / { exit !($3 >= 500) }' "$scratch/report"
finish datetime
