#!/bin/bash
# many.sh: many stores named by one glob or directory (storelist.h): real
# JUnit reports of several runs checked against lxml file by file, the
# `store` keyword of a -c file, the resident and exporter modes picking up
# a new file and dropping a deleted one within a cycle, an unchanged
# file not read again, one inotify watch however many files come and go,
# --max-series over a glob, what a directory may hold besides stores (a
# FIFO, a subdirectory, a dot-file, a link another user planted), and the
# same under ASan.
. "$(dirname "$0")/lib.sh"

py=/usr/bin/python3
ref="$top/tests/realfiles.py"
pids=""
stop_all() { for p in $pids; do kill -KILL "$p" 2>/dev/null; done; }
cleanup_hooks="$cleanup_hooks stop_all"
start() {	# start LOG ARGS...: in the background, its pid in $pid
	_log=$1
	shift
	"$@" 2>"$_log" &
	pid=$!
	pids="$pids $pid"
}
writes() { grep -c '^xml2prom: wrote ' "$1" 2>/dev/null; }
at_least() { [ "$(writes "$1")" -ge "$2" ]; }
watches() {	# watches PID: the inotify watches PID holds
	for _f in /proc/$1/fd/*; do
		[ "$(readlink "$_f")" = anon_inode:inotify ] &&
		    grep -c '^inotify' "/proc/$1/fdinfo/${_f##*/}"
	done
}
stopped() { kill -TERM "$1"; wait "$1"; }

# --- real reports: python3-xmlrunner's JUnit, from several runs
reports="$scratch/reports"
mkdir -p "$reports"
for run in 1 2 3 4; do
	junit_report "$scratch/run$run"
	cp "$scratch/run$run/junit.xml" "$reports/run-$run.xml"
done
check "python3-xmlrunner wrote four JUnit reports" \
    test "$(grep -l '<testcase' "$reports"/run-*.xml | wc -l)" -eq 4
junit_opts=(-r //testcase -b class=@classname
    -b 'status=name(failure|error|skipped)' --missing status=passed
    --histogram 'duration:class=@time' --buckets duration=0.001,0.01,0.1,1
    --max 'slowest:class=@time')
agree() {	# agree NAME OPTIONS... STORE-ARGS...
	_name=$1
	shift
	check "$_name: xml2prom = lxml, file by file" \
	    sh -c '"$@" >"$0" 2>&1 || { cat "$0"; exit 1; }' "$scratch/out" \
	    $py "$ref" "$XML2PROM" //testcase -- "$@"
}
agree "a glob of reports" "${junit_opts[@]}" "$reports/run-*.xml"
agree "a directory of reports" "${junit_opts[@]}" "$reports"
agree "a directory given with a slash" "${junit_opts[@]}" "$reports/"
"$XML2PROM" -o - "${junit_opts[@]}" "$reports/run-*.xml" >"$scratch/glob.prom"
check "...promtool check metrics" promtool_clean "$scratch/glob.prom"
check "...PREFIX_store_files says four" \
    grep -qx "store_store_files{store=\"$reports/run-\\*.xml\"} 4" "$scratch/glob.prom"
"$XML2PROM" -o - "${junit_opts[@]}" "$reports"/run-*.xml | normalize >"$scratch/named"
grep -v '^store_store\|^# [A-Z]* store_store' "$scratch/glob.prom" | normalize >"$scratch/globbed"
check "...the same series as the files named one by one" cmp "$scratch/globbed" "$scratch/named"

# --- the store keyword of a -c file, and its label
printf 'store %s/run-*.xml\nfile-label run=stem\nrows //testcase\n' "$reports" >"$scratch/many.conf"
"$XML2PROM" -c "$scratch/many.conf" -o - >"$scratch/conf.prom" 2>"$scratch/err"
check "a -c file's 'store' line: a glob of four reports read, status 0" test $? -eq 0
check "...each file labelled run=STEM, no path label" \
    sh -c "[ \$(grep -c '^store_total_rows{run=\"run-[1-4]\"} 7\$' '$scratch/conf.prom') -eq 4 ] &&
    ! grep -q 'path=' '$scratch/conf.prom'"
"$XML2PROM" --store="$reports/run-*.xml" --file-label run=stem -r //testcase -o - | normalize >"$scratch/a"
normalize <"$scratch/conf.prom" >"$scratch/b"
check "...--store on the command line is the same" cmp "$scratch/a" "$scratch/b"
"$XML2PROM" -o - "$scratch/none/*.xml" >"$scratch/none.prom" 2>"$scratch/err"
check "a glob that matches nothing: status 1" test $? -eq 1
check "...one line on stderr naming the pattern" \
    sh -c "[ \$(wc -l <'$scratch/err') -eq 1 ] && grep -qxF 'xml2prom: $scratch/none/*.xml: no file matches' '$scratch/err'"
check "...and a series saying it" \
    grep -qxF "store_store_files{store=\"$scratch/none/*.xml\"} 0" "$scratch/none.prom"

mkdir -p "$scratch/tf"
"$XML2PROM" -d "$scratch/tf" -r //testcase "$reports/run-*.xml" 2>"$scratch/err" &&
    "$XML2PROM" -d "$scratch/tf" -r //testcase "$reports/run-*.xml" 2>>"$scratch/err"
check "-d with a glob: named after its directory, and the next run replaces it (its files are its own)" \
    sh -c "[ $? -eq 0 ] && [ -f '$scratch/tf/reports.prom' ] && [ ! -s '$scratch/err' ]" || cat "$scratch/err"

# --- what a directory may hold besides stores
d="$scratch/mixed"
mkdir -p "$d/sub"
cp "$reports/run-1.xml" "$d/a.xml"
cp "$reports/run-2.xml" "$d/sub/b.xml"
cp "$reports/run-3.xml" "$d/.c.xml.tmp"
mkfifo "$d/fifo.xml"
timeout 10 "$XML2PROM" -o - -r //testcase "$d" >"$scratch/mixed.prom" 2>"$scratch/err"
check "a directory with a FIFO, a subdirectory and a dot-file: status 0, no wait on the FIFO" test $? -eq 0
check "...only its regular file read" \
    sh -c "[ \$(grep -c '^store_read_success' '$scratch/mixed.prom') -eq 1 ] &&
    grep -q '^store_read_success{path=\"$d/a.xml\"} 1\$' '$scratch/mixed.prom'"
timeout 10 "$XML2PROM" -o - -r //testcase "$d/*" >"$scratch/mixed.prom" 2>"$scratch/err"
check "...the same through a glob" \
    sh -c "[ \$(grep -c '^store_read_success' '$scratch/mixed.prom') -eq 1 ]"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	app="$scratch/app"
	mkdir -p "$app"
	cp "$reports/run-1.xml" "$app/ok.xml"
	chown nobody "$app"
	chmod 0755 "$scratch"
	printf '<s><testcase classname="root-only-value"/></s>\n' >"$scratch/root-only.xml"
	chmod 0600 "$scratch/root-only.xml"
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	    ln -s "$scratch/root-only.xml" "$app/planted.xml"
	"$XML2PROM" -o - -r //testcase -b class=@classname "$app" >"$scratch/app.prom" 2>"$scratch/err"
	check "a link nobody planted in a directory of stores, to a root-only file: status 1" test $? -eq 1
	check "...that file failed, reason=\"permission\"" \
	    grep -q "^store_read_failure{path=\"$app/planted.xml\",reason=\"permission\"} 1\$" "$scratch/app.prom"
	check "...none of its values in the output" \
	    sh -c "! grep -q root-only-value '$scratch/app.prom'"
	check "...the other store read" grep -q "^store_read_success{path=\"$app/ok.xml\"} 1\$" "$scratch/app.prom"
	"$XML2PROM" -o - -r //testcase "$app/*.xml" >"$scratch/app.prom" 2>/dev/null
	check "...the same through a glob" \
	    grep -q "^store_read_failure{path=\"$app/planted.xml\",reason=\"permission\"} 1\$" "$scratch/app.prom"
else
	skip "a link planted by another user: needs root and the user nobody"
fi

# --- --max-series counts over the whole glob
"$XML2PROM" -o - --max-series 30 "${junit_opts[@]}" "$reports/run-1.xml" >/dev/null 2>&1
check "one report fits in --max-series 30" test $? -eq 0
"$XML2PROM" -o - --max-series 30 "${junit_opts[@]}" "$reports/run-*.xml" >"$scratch/lim.prom" 2>"$scratch/err"
check "...four through one glob do not: status 1" test $? -eq 1
check "...the files past the limit fail, reason=\"limit\"" \
    grep -q '^store_read_failure{path=".*run-4.xml",reason="limit"} 1$' "$scratch/lim.prom"
check "...the first one read" grep -q '^store_read_success{path=".*run-1.xml"} 1$' "$scratch/lim.prom"
check "...said once, naming the glob" sh -c "[ \$(wc -l <'$scratch/err') -eq 1 ] && grep -qF '$reports/run-*.xml: more than 30 series' '$scratch/err'"

# --- resident: a new file within a second, a deleted one gone, one watch
w="$scratch/w"
mkdir -p "$w/d"
cp "$reports/run-1.xml" "$w/d/a.xml"
cp "$reports/run-2.xml" "$w/d/b.xml"
touch -d '-1 hour' "$w/d"/*.xml
sleep 2.5	# the files' change times settled (RUN_SETTLED_SECONDS)
start "$w/log" "$XML2PROM" -v --watch --every 1h -r //testcase -o "$w/out.prom" "$w/d/*.xml"
wait_for 5 at_least "$w/log" 1
cp "$reports/run-3.xml" "$w/d/.c.tmp"
mv "$w/d/.c.tmp" "$w/d/c.xml"
check "--watch on a glob: a file renamed into the directory seen within a second" \
    wait_for 2 grep -q "^store_read_success{path=\"$w/d/c.xml\"} 1\$" "$w/out.prom"
check "...the unchanged files not read again" \
    grep -q "$w/d/a.xml: unchanged since its last read" "$w/log"
rm "$w/d/b.xml"
check "...a deleted file's series gone at the next run" \
    wait_for 2 sh -c "! grep -q 'b.xml' '$w/out.prom'"
check "...the other files' series still there" \
    grep -q "^store_read_success{path=\"$w/d/a.xml\"} 1\$" "$w/out.prom"
n=$(writes "$w/log")
touch "$w/d/notes.txt" "$w/d/.hidden.xml"
sleep 1.2
check "...a file the glob does not match is no change" test "$(writes "$w/log")" -eq "$n"
for i in $(seq 40); do
	cp "$reports/run-4.xml" "$w/d/n$i.xml"
	[ $((i % 2)) -eq 0 ] && rm "$w/d/n$((i - 1)).xml"
done
sleep 1.5
check "...40 files come and 20 go: one inotify watch" test "$(watches "$pid")" = 1
check "...and what is there is what is written" \
    test "$(grep -c '^store_read_success' "$w/out.prom")" -eq "$(ls "$w/d"/*.xml | wc -l)"
stopped "$pid"
rm "$w/out.prom"	# its series would be the same: refused (collide.h)
start "$w/log2" "$XML2PROM" -v --watch --every 1h -r //testcase -o "$w/out2.prom" "$w/d"
wait_for 5 at_least "$w/log2" 1
cp "$reports/run-1.xml" "$w/d/z.xml"
check "--watch on a directory: a new file seen within a second" \
    wait_for 2 grep -q "^store_read_success{path=\"$w/d/z.xml\"} 1\$" "$w/out2.prom" ||
    tail -3 "$w/log2"
stopped "$pid"

# --- the exporter: each scrape expands the glob again
port=$(free_port)
e="$scratch/e"
mkdir -p "$e"
cp "$reports/run-1.xml" "$e/a.xml"
start "$e/log" "$XML2PROM" --web.listen-address="127.0.0.1:$port" -r //testcase "$e/*.xml"
wait_for 5 curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"
cp "$reports/run-2.xml" "$e/b.xml"
curl -s "http://127.0.0.1:$port/metrics" >"$e/m1"
check "the exporter on a glob: a new file in the next scrape" \
    grep -q "^store_read_success{path=\"$e/b.xml\"} 1\$" "$e/m1"
rm "$e/a.xml"
curl -s "http://127.0.0.1:$port/metrics" >"$e/m2"
check "...a deleted file gone from the next scrape" sh -c "! grep -q 'a.xml' '$e/m2'"
check "...PREFIX_store_files says one" grep -qxF "store_store_files{store=\"$e/*.xml\"} 1" "$e/m2"
rm "$e/b.xml"
curl -s "http://127.0.0.1:$port/metrics" >"$e/m3"
check "...no file left: store_files 0, no stale series" \
    sh -c "grep -qxF 'store_store_files{store=\"$e/*.xml\"} 0' '$e/m3' && ! grep -q 'path=' '$e/m3'"
stopped "$pid"

# --- the same under ASan: one-shot runs, and a resident one's cycles
if make_locked build/asan/xml2prom >"$scratch/asan-build" 2>&1; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	asan="$top/build/asan/xml2prom"
	check "ASan+UBSan: a glob, a directory, a conflict, a glob matching nothing" \
	    sh -c "'$asan' -o - ${junit_opts[*]@Q} '$reports/run-*.xml' '$d' >/dev/null 2>'$scratch/asan1' &&
	    '$asan' -o - --file-label n=base '$reports/run-1.xml' '$reports/run-*.xml' >/dev/null 2>>'$scratch/asan1';
	    [ \$? -eq 1 ] && '$asan' -o - '$scratch/none/*' >/dev/null 2>>'$scratch/asan1'; [ \$? -eq 1 ] &&
	    ! grep -q Sanitizer '$scratch/asan1'" || tail -5 "$scratch/asan1"
	a="$scratch/asan"
	mkdir -p "$a"
	cp "$reports"/run-[12].xml "$a/"
	start "$a/log" "$asan" -v --watch --every 200ms -r //testcase -o "$a/out.prom" "$a/*.xml"
	wait_for 10 at_least "$a/log" 1
	cp "$reports/run-3.xml" "$a/"
	sleep 0.6
	rm "$a/run-1.xml"
	sleep 0.6
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	check "ASan+UBSan: resident cycles over files that come and go: clean, status 0" \
	    sh -c "[ $rc -eq 0 ] && ! grep -q Sanitizer '$a/log'" || tail -5 "$a/log"
else
	not_ok "the ASan build: $(tail -3 "$scratch/asan-build")"
fi
finish many
