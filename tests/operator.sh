#!/bin/bash
# operator.sh: what an operator meets on a real host, following the README
# and the man page: the textfile directory's ownership, names that collide,
# outputs node_exporter would never read, typos, --check, --dump and -v
# as the way to find a wrong option.
. "$(dirname "$0")/lib.sh"

store="$top/examples/store.xml"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
root=0
[ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && root=1
# What nobody runs and reads, outside a checkout it may not enter.
[ $root -eq 1 ] && for_nobody "$store" && nobody_store=$NOBODY_DIR/store.xml

# --- Debian's textfile directory is root's, 0755
if [ $root -eq 1 ]; then
	mkdir -p "$scratch/textfile"
	chmod 0755 "$scratch" "$scratch/textfile"
	as_nobody "$NOBODY_XML2PROM" -d "$scratch/textfile" "$nobody_store" 2>"$scratch/err"
	check "an unwritable textfile directory exits 3" test $? -eq 3
	check "...in one line naming the directory, the user and the fix" \
	    grep -qx "xml2prom: $scratch/textfile: not writable by user nobody, which xml2prom runs as: in a container, chown $(id -u nobody) the directory mounted there (a bind mount keeps the host's owner); on a host, run it as root without capabilities, as the shipped units and cron file do, or give it a directory of its own (see xml2prom(1), SECURITY)" "$scratch/err"
	as_nobody "$NOBODY_XML2PROM" --check -d "$scratch/textfile" "$nobody_store" >"$scratch/check.out" 2>"$scratch/err"
	check "--check as that user says the same, exit 3" \
	    sh -c "test $? -eq 3 && grep -q 'not writable by user nobody' '$scratch/err'"
	setpriv --bounding-set=-all --inh-caps=-all -- "$XML2PROM" --check \
	    -d "$scratch/textfile" "$store" >"$scratch/check.out" 2>"$scratch/err"
	check "as root without capabilities, as the README says, --check passes" \
	    test $? -eq 0
	chown nobody "$scratch/textfile"	# "a directory of its own"
	as_nobody "$NOBODY_XML2PROM" --check -d "$scratch/textfile" "$nobody_store" >"$scratch/check.out" 2>"$scratch/err"
	check "in a directory of its own, --check as that user passes" test $? -eq 0
	check "--check writes no output" test ! -e "$scratch/textfile/store.prom"
	check "--check leaves no temp file" \
	    test -z "$(find "$scratch/textfile" -name '.store.prom.??????')"
	as_nobody "$NOBODY_XML2PROM" -d "$scratch/textfile" "$nobody_store"
	check "...and the run writes" test -f "$scratch/textfile/store.prom"
else
	skip "textfile directory ownership: needs root to switch to nobody"
fi

# --- two stores of the same name under -d
mkdir -p "$scratch/a" "$scratch/b" "$scratch/out"
cp "$store" "$scratch/a/store.xml"
printf '<s><row type="b"/></s>\n' >"$scratch/b/store.xml"
"$XML2PROM" -d "$scratch/out" "$scratch/a/store.xml"
cp "$scratch/out/store.prom" "$scratch/before"
"$XML2PROM" -d "$scratch/out" "$scratch/b/store.xml" 2>"$scratch/err"
check "a second store of the same name under -d is a usage error" test $? -eq 2
check "...which leaves the first store's file as it was" \
    cmp -s "$scratch/before" "$scratch/out/store.prom"
check "...and says whose file it is and what to do" \
    grep -q "holds the metrics of $scratch/a/store.xml: .*--output" "$scratch/err"
"$XML2PROM" -o "$scratch/out/b-store.prom" "$scratch/b/store.xml"
check "...while --output names it freely" test $? -eq 0
"$XML2PROM" -d "$scratch/out" "$scratch/a/store.xml"
check "the store that owns the name still runs" test $? -eq 0
"$XML2PROM" -d "$scratch/out" - <"$store"
check "standard input under -d writes stdin.prom" test -f "$scratch/out/stdin.prom"

# --- two questions of one store under -d: the issue's cron lines
shop="$top/tests/cases/sets-shop/shop.xml"
mkdir -p "$scratch/tf"
cp "$shop" "$scratch/shop.xml"
"$XML2PROM" -d "$scratch/tf" -r //order -t @status "$scratch/shop.xml"
check "a first run of the shop's orders writes shop.prom" test $? -eq 0
cp "$scratch/tf/shop.prom" "$scratch/before"
"$XML2PROM" -d "$scratch/tf" -r //customer -t @country -p customers \
    "$scratch/shop.xml" 2>"$scratch/err"
check "a run asking the same store under another prefix is a usage error" \
    test $? -eq 2
check "...which leaves the first run's file as it was" \
    cmp -s "$scratch/before" "$scratch/tf/shop.prom"
check "...and says whose, and how to ask both in one run or apart" \
    sh -c "grep -q 'holds the metrics of $scratch/shop.xml under the prefix store, not customers' '$scratch/err' &&
        grep -q 'ask both questions in one run (--set, see ROW SETS' '$scratch/err' &&
        grep -q -- '--output' '$scratch/err'"
"$XML2PROM" -d "$scratch/tf" --set customers -r //customer -t @country \
    "$scratch/shop.xml" 2>"$scratch/err"
check "a run with a set the file does not hold, same prefix, is refused" \
    test $? -eq 2
check "...naming the family that is not its own" \
    grep -q "holds store_total_rows, a family this run does not write" "$scratch/err"
check "...the file still the first run's" \
    cmp -s "$scratch/before" "$scratch/tf/shop.prom"
"$XML2PROM" -d "$scratch/tf" -r //order -t @status -b id=@id "$scratch/shop.xml"
check "the first run with a label added just replaces its own file" \
    sh -c "test $? -eq 0 && grep -q 'store_rows{.*id=\"1\"' '$scratch/tf/shop.prom'"
"$XML2PROM" -d "$scratch/tf" -r //order -t @status --set customers \
    -r //customer -t @country "$scratch/shop.xml"
check "asking both in one run (a set added) replaces it too" \
    sh -c "test $? -eq 0 && grep -q '^store_customers_rows{' '$scratch/tf/shop.prom' &&
        grep -q '^store_rows{' '$scratch/tf/shop.prom'"
cp "$scratch/tf/shop.prom" "$scratch/before"
"$XML2PROM" -d "$scratch/tf" -r //order -t @status "$scratch/shop.xml" 2>"$scratch/err"
check "...after which a run without that set is refused, not a silent loss" \
    sh -c "test $? -eq 2 && grep -q 'holds store_customers_total_rows' '$scratch/err' &&
        cmp -s '$scratch/before' '$scratch/tf/shop.prom'"
check "...saying that apart it needs another --prefix and its own --output" \
    grep -q "give this run another --prefix and its own --output" "$scratch/err"
"$XML2PROM" -o "$scratch/tf/shop-orders.prom" -r //order -t @status "$scratch/shop.xml" 2>"$scratch/err"
check "...for under --output alone its store's series would be in two files" \
    sh -c "test $? -eq 3 && grep -q 'also has series of $scratch/shop.xml' '$scratch/err'"
"$XML2PROM" -o "$scratch/tf/shop-orders.prom" -p orders -r //order -t @status "$scratch/shop.xml"
check "...and with both it writes its own file" \
    sh -c "test $? -eq 0 && grep -q '^orders_rows{' '$scratch/tf/shop-orders.prom'"

# --- outputs node_exporter never reads, typos
"$XML2PROM" -o "$scratch/out/x.txt" "$store" 2>"$scratch/err"
check "--output not ending in .prom is a usage error" test $? -eq 2
check "...that says why" grep -q 'node_exporter reads only files named \*\.prom' "$scratch/err"
check "...and writes nothing" test ! -e "$scratch/out/x.txt"
"$XML2PROM" --rwos=//item "$store" 2>"$scratch/err"
check "a typo'd long option suggests the right one" \
    grep -qx "xml2prom: unknown option --rwos: did you mean --rows?" "$scratch/err"

# --- stale files: --check names a file that repeats a store's series
cp "$scratch/out/store.prom" "$scratch/out/stroe.prom"
"$XML2PROM" --check -d "$scratch/out" "$scratch/a/store.xml" >"$scratch/report"
check "--check names another .prom holding the same store's series" \
    grep -q "$scratch/out/stroe.prom also has series of $scratch/a/store.xml" "$scratch/report"
"$XML2PROM" --check -o - "$store" 2>/dev/null
check "--check on standard output is a usage error" test $? -eq 2

# --- a run never writes series another .prom file already serves
mkdir -p "$scratch/coll"
"$XML2PROM" -o "$scratch/coll/rules.prom" "$store"
"$XML2PROM" -r //row -o "$scratch/coll/groups.prom" "$store" 2>"$scratch/err"
check "a second output with the same series (another --rows): exit 3" test $? -eq 3
check "...writes nothing" test ! -e "$scratch/coll/groups.prom"
check "...and says which file holds them, as --check words it" \
    grep -qF "xml2prom: $scratch/coll/groups.prom: not written: $scratch/coll/rules.prom also has series of $store (store_total_rows{path=\"$store\"}): node_exporter rejects series given twice" "$scratch/err"
check "...in one line" test "$(wc -l <"$scratch/err")" -eq 1
"$XML2PROM" -r //row -p groups -o "$scratch/coll/groups.prom" "$store"
check "under another --prefix it writes" test $? -eq 0
"$XML2PROM" -o "$scratch/coll/rules.prom" "$store"
check "the file that holds the series is rewritten as before" test $? -eq 0
"$XML2PROM" -l app=x -o "$scratch/coll/x.prom" "$store"
check "another label makes other series: it writes" test $? -eq 0

# --- a wrong expression or pattern: said under -v and --dump, not by default
"$XML2PROM" -o - -r /store/itme "$store" 2>"$scratch/err" >/dev/null
check "no row matched: silent by default (cron would mail every minute)" \
    test ! -s "$scratch/err"
"$XML2PROM" -v -o - -r /store/itme "$store" 2>"$scratch/err" >/dev/null
check "no row matched: -v says which --rows" \
    grep -q "no element matches --rows '/store/itme'" "$scratch/err"
# A unit's stderr is the journal, named by systemd in JOURNAL_STREAM
: >"$scratch/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$scratch/journal") \
    "$XML2PROM" -o - -r /store/itme "$store" 2>>"$scratch/journal" >/dev/null
check "no row matched, stderr the journal (a unit): said without -v, in one line" \
    test "$(cat "$scratch/journal")" = "xml2prom: $store: no element matches --rows '/store/itme' (--dump shows what the rows hold)"
JOURNAL_STREAM=1:1 "$XML2PROM" -o - -r /store/itme "$store" 2>"$scratch/err" >/dev/null
check "...but not when JOURNAL_STREAM names another stream (cron under a unit's environment)" \
    test ! -s "$scratch/err"
: >"$scratch/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$scratch/journal") \
    "$XML2PROM" -o - "$store" 2>>"$scratch/journal" >/dev/null
check "...and a store read as expected says nothing there either" \
    test ! -s "$scratch/journal"
"$XML2PROM" -v -o - -t 'string(@alpha_2)' "$store" 2>"$scratch/err" >/dev/null
check "every type empty: -v says which --type" \
    grep -q "\-\-type 'string(@alpha_2)' is empty for every row" "$scratch/err"
"$XML2PROM" --dump -t 'string(@alpha_2)' "$store" >"$scratch/dump"
check "--dump shows what the first row holds" \
    grep -q ': the first row, line 4: <row>, attributes: id, type, status; children: title, author, note$' "$scratch/dump"

# --- --dump 2>&1: whole lines, rows before the failure that follows them
printf '<s>\n<row type="a"/>\n<row type="b"/>\n<broken>\n' >"$scratch/broken.xml"
"$XML2PROM" --dump "$scratch/broken.xml" "$store" >"$scratch/both" 2>&1
check "--dump 2>&1: the failure comes after the rows read before it" \
    sh -c "grep -n '' '$scratch/both' | grep -E 'broken.xml:(2|3): row|xml2prom: .*broken.xml' | cut -d: -f1 | sort -n -c"
# Every line whole: each must be one of the lines --dump and the
# exposition write, in full (a line cut by another matches none).
b=$scratch/broken.xml
e=$store
printf '%s\n' \
    "$b:[0-9]+: row type=\"[a-z]+\" reported" \
    "xml2prom: $b:5:1: Premature end of data in tag broken line 4" \
    "$b: failed, no counts reported: $b:5:1: Premature end of data in tag broken line 4" \
    "$e:[0-9]+: row type=\"(book|dvd|magazine)\" reported" \
    "$e: count type=\"(book|dvd|magazine)\" [0-9]+ reported" \
    "$e: total 6" \
    "$e: the first row, line 4: <row>, attributes: id, type, status; children: title, author, note" \
    "# xml2prom --dump: the text that would be written to .*/broken\\.prom" \
    "# (HELP|TYPE) store_[a-z_]+ .+" \
    "store_[a-z_]+\\{path=\"($b|$e)\"(,(type|reason)=\"[a-z]+\")?\\} [0-9.e+-]+" \
    >"$scratch/whole-lines"
check "--dump 2>&1: no line is cut by another" \
    sh -c "! grep -vxEf '$scratch/whole-lines' '$scratch/both'"
check "--dump 2>&1: every kind of line is there" \
    test "$(grep -cxEf "$scratch/whole-lines" "$scratch/both")" -eq "$(wc -l <"$scratch/both")" -a \
    "$(wc -l <"$scratch/both")" -ge 30

# --- the man page renders its file names as they are
check "man page: the lock file renders as .NAME.prom.lock" \
    sh -c "mandoc -Tascii '$top/man/xml2prom.1' | col -b | grep -q 'dir/\\.name\\.prom\\.lock'"

finish operator
