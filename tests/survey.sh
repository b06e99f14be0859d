#!/bin/bash
# survey.sh: --survey on stores nobody here wrote, each checked against
# lxml (tests/survey.py: the paths and attributes it counts, and the
# configuration it proposes, run as it is, series by series), each
# proposal linted by promtool; hostile stores within the caps, in bounded
# memory; the command line it refuses.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3

agree() {	# FILE [--rows PATTERN]
	check "survey of $(basename "$1") ${2:+$2 $3 }= lxml, its proposal run and compared" \
	    sh -c '"$@" >"$0" 2>&1 || { cat "$0"; exit 1; }' "$scratch/out" \
	    $py "$top/tests/survey.py" "$XML2PROM" "$@"
	grep '^# ' "$scratch/out" | head -3
}

lint() {	# FILE: the proposal's output, through promtool's lint
	"$XML2PROM" --survey "$1" >"$scratch/lint.conf" &&
	    "$XML2PROM" -c "$scratch/lint.conf" -o - "$1" >"$scratch/lint.prom" &&
	    promtool_clean "$scratch/lint.prom"
}

# --- Debian's XCCDF benchmarks, iso-codes, polkit policies, fontconfig
set -- /usr/share/xml/scap/ssg/content/ssg-debian*-xccdf.xml
check "ssg-debian ships XCCDF benchmarks" test -f "$1"
for f in "$@" /usr/share/xml/iso-codes/iso_3166-1.xml \
    /usr/share/xml/iso-codes/iso_639-3.xml /etc/fonts/fonts.conf \
    /usr/share/polkit-1/actions/*.policy; do
	[ -f "$f" ] || { skip "survey: $f missing"; continue; }
	agree "$f"
	check "...its proposal passes promtool check metrics" lint "$f"
done

# --- a JUnit report python3-xmlrunner writes now
junit_report "$scratch/junit"
check "python3-xmlrunner wrote a JUnit report" grep -q '<testcase' "$scratch/junit/junit.xml"
agree "$scratch/junit/junit.xml"
check "...its proposal passes promtool check metrics" lint "$scratch/junit/junit.xml"

# --- numbers as XPath reads them (fractions, blanks, exponents, -0): the
# survey reads plain ones exactly, estimates the others (w: all padded with
# blanks), and asks libxml2 for those near the extremes
$py - >"$scratch/numbers.xml" <<'PY'
import random
random.seed(7)
print("<r>")
for i in range(3000):
    v = random.choice(["%.3f" % random.uniform(-50, 50), " %d " % random.randint(-9, 9),
                       "1e3", "-0", ".5", "7.", "00012.5000", "%.17f" % random.random()])
    w = " %.1f " % random.randrange(-1000, 1001, 50)
    print('<e v="%s" w="%s" k="%s"/>' % (v, w, random.choice(["a", "b", "c"])))
print("</r>")
PY
agree "$scratch/numbers.xml"	# survey.py checks each range against lxml's
# ranges the buckets' six digits cannot tell apart, or that no double spans
runs() { "$XML2PROM" --survey "$1" >"$scratch/r.conf" &&
    "$XML2PROM" -c "$scratch/r.conf" -o - "$1" >/dev/null; }
echo '<r><e v="1000000.1"/><e v="1000000.2"/><e v="1000000.15"/></r>' >"$scratch/narrow.xml"
check "numbers 1000000.1 to 1000000.2: buckets strictly increasing, the proposal runs" \
    runs "$scratch/narrow.xml"
$py -c 'print("<r><e v=\"-1%s\"/><e v=\"1%s\"/><e v=\"5\"/></r>" % ("0" * 308, "0" * 308))' \
    >"$scratch/wide.xml"
check "numbers -1e308 to 1e308: no infinite bucket, the proposal runs" runs "$scratch/wide.xml"

# --- the README's line, and --rows
"$XML2PROM" --survey "$top/examples/shop.xml" >"$scratch/store.conf" &&
    "$XML2PROM" -c "$scratch/store.conf" -o - "$top/examples/shop.xml" >"$scratch/shop.prom"
check "xml2prom --survey store.xml > store.conf && xml2prom -c store.conf -o - store.xml" test $? -eq 0
check "...one set per kind of row: orders, their lines, customers" \
    sh -c "grep -c '^\[' '$scratch/store.conf' | grep -qx 3"
check "...orders by status and their total's currency (a child's attribute), totals summed" \
    sh -c "grep -qx 'shop_order_total_value{path=\".*\",status=\"paid\",total_currency=\"EUR\"} 10.5' '$scratch/shop.prom' &&
    grep -qx 'shop_order_total_value{path=\".*\",status=\"paid\",total_currency=\"USD\"} 7.25' '$scratch/shop.prom'"
check "...an identifier left out, and said why" \
    grep -q '^# left out: @id, an identifier' "$scratch/store.conf"
agree "$top/examples/shop.xml" --rows //line
"$XML2PROM" --survey --rows //line "$top/examples/shop.xml" >"$scratch/line.conf"
check "--survey --rows //line: one set, of those rows" \
    sh -c "grep -c '^\[' '$scratch/line.conf' | grep -qx 1 && grep -qx 'rows //line' '$scratch/line.conf'"

# --- nothing a store holds becomes a configuration line (issue 28): line
# breaks, control characters, '[', '#', quotes and whole config lines in
# values, namespace URIs (DTD defaults are not checked by libxml2), text,
# CDATA, entities, comments, PIs and the file's name
mkdir "$scratch/hostile"
$py "$top/tests/survey-hostile.py" make "$scratch/hostile" >"$scratch/hostile.list"
while IFS= read -r -d '' f; do
	name=$(printf '%q' "${f#"$scratch/hostile/"}")
	"$XML2PROM" --survey "$f" >"$scratch/hostile.conf" 2>"$scratch/err"
	check "survey of $name: exit 0" test $? -eq 0
	check "...every line one the survey meant, the store's text in comments only" \
	    $py "$top/tests/survey-hostile.py" check "$scratch/hostile.conf" "$f"
	check "...the proposal runs as it is" \
	    sh -c '"$0" -c "$1" -o - "$2" >/dev/null' "$XML2PROM" "$scratch/hostile.conf" "$f"
done <"$scratch/hostile.list"
check "...a URI with a line break left out, and said so" grep -q \
    '^# left out: [0-9]* fields* in a namespace whose URI holds a control character' \
    "$scratch/hostile.conf"

# --- a store cannot pick names node_exporter owns (issue 28)
printf '<node><textfile scrape_error="0"/><textfile scrape_error="1"/></node>' \
    >"$scratch/node.xml"
"$XML2PROM" --survey "$scratch/node.xml" >"$scratch/node.conf"
check "<node> as the document element: not 'prefix node'" \
    sh -c "grep '^prefix ' '$scratch/node.conf' | grep -qvx 'prefix node'"
check "...its output holds no node_ series" sh -c "'$XML2PROM' -c '$scratch/node.conf' -o - \
    '$scratch/node.xml' | grep -v '^#' | grep -c . >/dev/null && ! '$XML2PROM' -c \
    '$scratch/node.conf' -o - '$scratch/node.xml' | grep -q '^node_'"
for root in go process promhttp node_exporter; do
	printf '<%s><e v="1"/><e v="2"/></%s>' $root $root >"$scratch/$root.xml"
	check "...nor <$root>'s" sh -c "'$XML2PROM' --survey '$scratch/$root.xml' |
	    grep '^prefix ' | grep -qvE '^prefix (node|go|process|promhttp)(_|\$)'"
done

# --- real stores nobody here wrote, made now (issue 31): each proposal,
# run on a store 100 times larger of the same shape, holds: exit 0, no
# reason="limit", and as many series as on the store surveyed (a label
# whose values grow with the rows would make more)
holds() {	# NAME FILE ELEMENT...: ELEMENT copied 100 times, tests/survey-grow.py
	local name=$1 f=$2
	shift 2
	"$XML2PROM" --survey "$f" >"$scratch/$name.conf" &&
	    $py "$top/tests/survey-grow.py" "$f" "$scratch/$name-100.xml" "$@" &&
	    "$XML2PROM" -c "$scratch/$name.conf" -o - "$f" | grep -v '^#' >"$scratch/$name.prom" &&
	    "$XML2PROM" -c "$scratch/$name.conf" -o - "$scratch/$name-100.xml" |
	    grep -v '^#' >"$scratch/$name-100.prom" || return 1
	echo "# $name: $(grep -c '^\[' "$scratch/$name.conf") sets ($(grep '^\[' "$scratch/$name.conf" | tr -d '[]' | tr '\n' ' ')), $(wc -l <"$scratch/$name.prom") series; 100x: $(wc -l <"$scratch/$name-100.prom")"
	! grep -q 'reason="limit"' "$scratch/$name-100.prom" &&
	    [ "$(wc -l <"$scratch/$name.prom")" -eq "$(wc -l <"$scratch/$name-100.prom")" ]
}
/usr/lib/sysstat/sadc -S XALL 1 5 "$scratch/sa" >/dev/null 2>&1 &&
    sadf -x "$scratch/sa" -- -A >"$scratch/sysstat.xml"
check "sysstat: sadf -x of 4 samples" grep -q '<timestamp' "$scratch/sysstat.xml"
check "...no time or identifier as a label" sh -c "'$XML2PROM' --survey '$scratch/sysstat.xml' |
    grep -q '^# left out: @time, an identifier' && ! '$XML2PROM' --survey '$scratch/sysstat.xml' | grep -q '^by time='"
check "...its proposal holds on 400 samples" holds sysstat "$scratch/sysstat.xml" timestamp
agree "$scratch/sysstat.xml"
check "...the sample's queue is a field of the timestamp row (queue/@ldavg-1)" \
    grep -q '^#   n1:queue/@ldavg-1 ' "$scratch/sysstat.conf"
check "...the default namespace said, with the -n line" \
    grep -qx '#   -n n1=http://pagesperso-orange.fr/sebastien.godard/sysstat' "$scratch/sysstat.conf"
check "--survey --rows //queue: the prefix after the document element" \
    sh -c "'$XML2PROM' --survey --rows //queue '$scratch/sysstat.xml' | grep -qx 'prefix sysstat'"

port=$(( 47000 + RANDOM % 1000 ))
$py -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(20)' $port &
listener=$!
sleep 0.5
timeout 60 nmap -oX "$scratch/nmap.xml" -p "20-25,79-81,443,$port" 127.0.0.1 >/dev/null 2>&1
kill $listener 2>/dev/null; wait $listener 2>/dev/null
check "nmap: a loopback scan, one port open" grep -q 'state="open"' "$scratch/nmap.xml"
check "...ports counted by state/@state, service/@name seen (children's attributes)" \
    sh -c "'$XML2PROM' --survey '$scratch/nmap.xml' | grep -qx 'by state_state=state/@state' &&
    '$XML2PROM' --survey '$scratch/nmap.xml' | grep -q '^#   service/@name  *in [0-9]* of '"
check "...its proposal holds on 100 hosts" holds nmap "$scratch/nmap.xml" host
agree "$scratch/nmap.xml"

ds=$(ls /usr/share/xml/scap/ssg/content/ssg-debian*-ds.xml | tail -n 1)
timeout 120 oscap xccdf eval --profile xccdf_org.ssgproject.content_profile_anssi_np_nt28_minimal \
    --results-arf "$scratch/arf.xml" "$ds" >/dev/null 2>&1
check "OpenSCAP: ARF results of $(basename "$ds")" grep -q 'rule-result' "$scratch/arf.xml"
check "...rule-result proposed, by severity and result" sh -c "'$XML2PROM' --survey '$scratch/arf.xml' |
    sed -n '/^\[rule_result\]/,/^\$/p' | grep -q '^by severity=@severity' &&
    '$XML2PROM' --survey '$scratch/arf.xml' | sed -n '/^\[rule_result\]/,/^\$/p' | grep -q '^by result=.*:result\$'"
check "...its proposal holds on 100 times the rules' results" holds arf "$scratch/arf.xml" rule-result
agree "$scratch/arf.xml"
rm -f "$scratch"/*-100.xml "$scratch/arf.xml"

# --- what it refuses
usage() { "$XML2PROM" "$@" >/dev/null 2>"$scratch/err"; [ $? -eq 2 ]; }
check "--survey with --output is refused" usage --survey -o x.prom "$top/examples/shop.xml"
check "--survey of two stores is refused" usage --survey "$top/examples/shop.xml" "$top/examples/store.xml"
check "--survey with --sum is refused" usage --survey --sum a=@b "$top/examples/shop.xml"
check "--survey with --watch is refused" usage --survey --watch "$top/examples/shop.xml"
printf '<a>\n<b x="1">\n</a>\n' >"$scratch/bad.xml"
"$XML2PROM" --survey "$scratch/bad.xml" >"$scratch/bad.out" 2>"$scratch/err"
check "a store that is not XML: exit 1" test $? -eq 1
check "...one line naming the file and its line" \
    sh -c "test \$(wc -l <'$scratch/err') -eq 1 && grep -q '^xml2prom: $scratch/bad.xml:3:' '$scratch/err'" || cat "$scratch/err"
check "...nothing on standard output" test ! -s "$scratch/bad.out"
gzip -c "$top/examples/shop.xml" >"$scratch/shop.xml.gz"
"$XML2PROM" --survey "$scratch/shop.xml.gz" >"$scratch/gz.conf"
check "a gzip store is surveyed as the plain one" \
    bash -c "diff <(sed 1d '$scratch/gz.conf' | grep -v 'THIS_FILE') <(sed 1d '$scratch/store.conf' | grep -v 'THIS_FILE')"

# --- hostile stores: within the caps, said so, bounded memory (not
# measured under a sanitizer, whose shadow memory is its own: memory.sh
# sets HOSTILE_LIMITS=0)
bounded() {	# KB: at most 16 MiB
	[ "${HOSTILE_LIMITS:-1}" = 0 ] || [ "$1" -le 16384 ]
}
peak() {	# peak KB of the survey of $1
	/usr/bin/time -f %M "$XML2PROM" --survey "$1" 2>&1 >"$scratch/h.out" | tail -n 1
}
$py - "$scratch/names.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("<r>\n")
    for i in range(1000000 // 50):
        f.write("<e %s/>\n" % " ".join('a%d="%d"' % (i * 50 + k, k) for k in range(50)))
    f.write("</r>\n")
PY
kb=$(peak "$scratch/names.xml")
echo "# a million distinct attribute names: surveyed in $kb KB"
check "a million distinct attribute names: the survey stops, and says where" \
    grep -q '^# CUT: the survey stopped at line [0-9]*: the store has more than 100000 distinct' "$scratch/h.out"
check "...the fields past the cap said too" \
    grep -q 'attributes not surveyed: past 64 per element or 1000 in all' "$scratch/h.out"
check "...in at most 16 MiB" bounded "$kb"
$py - "$scratch/paths.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("<r>\n")
    for i in range(100000):
        f.write("<e%d><x/></e%d>\n" % (i, i))
    f.write("</r>\n")
PY
kb=$(peak "$scratch/paths.xml")
echo "# 200 000 distinct element paths: surveyed in $kb KB"
check "200 000 distinct paths: the first 2000 kept, the cut said" \
    grep -q 'elements on paths past the first 2000 not surveyed' "$scratch/h.out"
check "...in at most 16 MiB" bounded "$kb"
$py - "$scratch/deep.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("<d a='1'>" * 250 + "x" + "</d>" * 250)
PY
check "250 levels of nesting: surveyed" sh -c "'$XML2PROM' --survey '$scratch/deep.xml' | grep -q 'depth 250'"
$py - "$scratch/huge.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("<r>" + "<v n='%s'>%s</v>" % ("y" * 1000, "z" * 5000000) * 2 + "</r>")
PY
kb=$(peak "$scratch/huge.xml")
check "5 MB text values: long text, kept to 64 bytes" \
    grep -q 'long text (2 values over 1024 bytes)' "$scratch/h.out"
check "...in at most 16 MiB ($kb KB)" bounded "$kb"
"$top/build/genstore" 500000 >"$scratch/big.xml"
kb=$(peak "$scratch/big.xml")
echo "# a $(( $(stat -c %s "$scratch/big.xml") / 1000000 )) MB store surveyed in $kb KB"
check "a 120 MB store: surveyed in at most 16 MiB" bounded "$kb"
rm -f "$scratch/big.xml"

finish survey
