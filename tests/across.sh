#!/bin/bash
# across.sh: --across-files, a set summed over every file of a glob or a
# directory (across.h), on real JUnit reports python3-xmlrunner writes
# here (several runs, each with other outcomes, one cut short), checked
# series by series against lxml over the files (tests/across.py), with
# promtool's lint; the order sums and first/last follow; the series guard
# over the aggregate; and the resident and exporter modes updating the
# aggregate when a file changes or vanishes.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
ref="$top/tests/across.py"
pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
cleanup_hooks="stop_all"

agree() {	# agree NAME LXML_ROWS -- OPTIONS... STORES...
	local name=$1
	shift
	check "$name: xml2prom = lxml over the files, series by series" \
	    sh -c '"$@" >"$0" 2>&1 || { cat "$0"; exit 1; }' "$scratch/agree" \
	    $py "$ref" "$XML2PROM" "$@"
	grep '^# ' "$scratch/agree" | head -4
}

lint() {	# lint NAME OPTIONS... STORES...
	local name=$1
	shift
	"$XML2PROM" -o - "$@" >"$scratch/lint.prom" 2>/dev/null
	check "$name: promtool check metrics" promtool_clean "$scratch/lint.prom"
}

# runs DIR N: N JUnit reports in DIR, one per run of the same tests, whose
# outcomes differ from run to run (which fail, err or are skipped, how
# long they take); run-3 is cut short (a report of a crashed run), and a
# run that ran no test writes a report of no testcase.
runs() {
	mkdir -p "$1"
	cat >"$1/t_shop.py" <<'PY'
import os
import time
import unittest

RUN = int(os.environ["RUN"])


class Shelf(unittest.TestCase):
    def test_quick(self): pass
    def test_slow(self): time.sleep(0.01 * RUN)
    def test_flaky(self): self.assertNotEqual(RUN % 2, 0)
    def test_later(self):
        if RUN % 3 == 0:
            self.skipTest("not on this run")


class Till(unittest.TestCase):
    def test_error(self):
        if RUN > 2:
            raise RuntimeError("boom")
    def test_slower(self): time.sleep(0.003 * RUN)
    def test_sum(self): self.assertEqual(sum([1, 2]), 3 if RUN != 4 else 4)
PY
	for n in $(seq 1 "$2"); do
		(cd "$1" && RUN=$n $py -c '
import sys, unittest, xmlrunner
sys.path.insert(0, ".")
suite = unittest.defaultTestLoader.loadTestsFromName("t_shop")
with open(sys.argv[1], "wb") as out:
    xmlrunner.XMLTestRunner(output=out, outsuffix="").run(suite)' "run-$n.xml" >/dev/null 2>&1)
	done
	rm -rf "$1/t_shop.py" "$1/__pycache__"
	# a run that crashed while its report was written
	head -c 600 "$1/run-3.xml" >"$1/run-3.tmp" && mv "$1/run-3.tmp" "$1/run-3.xml"
	# a run of no test
	(cd "$1" && $py -c '
import unittest, xmlrunner
with open("run-0.xml", "wb") as out:
    xmlrunner.XMLTestRunner(output=out, outsuffix="").run(unittest.TestSuite())' >/dev/null 2>&1)
}

runs "$scratch/ci" 6
check "python3-xmlrunner wrote the runs' reports" \
    test "$(grep -l '<testcase' "$scratch"/ci/run-*.xml | wc -l)" -ge 6
check "one report is cut short (not well-formed)" \
    sh -c "! $py -c 'import sys; from lxml import etree; etree.parse(sys.argv[1])' '$scratch/ci/run-3.xml' 2>/dev/null"
junit_opts=(-r //testcase -b class=@classname
    -b 'status=name(failure|error|skipped)' --missing status=passed
    --sum 'seconds:class=@time' --min 'fastest:class=@time'
    --max 'slowest:class=@time' --first 'first:class=@time'
    --last 'last:class=@time' --histogram 'duration:status=@time'
    --buckets duration=0.001,0.01,0.1,1 --across-files)

# --- the glob and the directory, by name, then by modification time
agree "JUnit runs, a glob" //testcase -- "${junit_opts[@]}" "$scratch/ci/run-*.xml"
lint "JUnit runs, a glob" "${junit_opts[@]}" "$scratch/ci/run-*.xml"
agree "JUnit runs, the directory" //testcase -- "${junit_opts[@]}" "$scratch/ci"
# modification times against the names' order: run-1 the newest
i=0
for f in $(ls "$scratch"/ci/run-*.xml | sort -r); do
	touch -d @$((1700000000 + i)) "$f"
	i=$((i + 1))
done
agree "JUnit runs, --file-order mtime" //testcase -- "${junit_opts[@]}" \
    --file-order mtime "$scratch/ci/run-*.xml"
"$XML2PROM" -o - "${junit_opts[@]}" "$scratch/ci/run-*.xml" >"$scratch/byname" 2>/dev/null
"$XML2PROM" -o - "${junit_opts[@]}" --file-order mtime "$scratch/ci/run-*.xml" >"$scratch/bymtime" 2>/dev/null
check "--file-order mtime changes first and last, not the counts" bash -c "
    ! diff -q <(grep '^store_first{' '$scratch/byname') <(grep '^store_first{' '$scratch/bymtime') >/dev/null &&
    diff <(grep '^store_rows{' '$scratch/byname') <(grep '^store_rows{' '$scratch/bymtime') >/dev/null"
check "the cut-short run is counted failed, and named" grep -qx \
    "store_file_failure{store=\"$scratch/ci/run-\\*.xml\",path=\"$scratch/ci/run-3.xml\",reason=\"parse\"} 1" \
    "$scratch/byname"
check "its own read_success stays per file, 0" grep -qx \
    "store_read_success{path=\"$scratch/ci/run-3.xml\"} 0" "$scratch/byname"
check "files and files_failed say what the sums cover" sh -c "
    grep -qx 'store_files{store=\"$scratch/ci/run-\\*.xml\"} 6' '$scratch/byname' &&
    grep -qx 'store_files_failed{store=\"$scratch/ci/run-\\*.xml\"} 1' '$scratch/byname'"
"$XML2PROM" -o - "${junit_opts[@]}" "$scratch/ci/run-*.xml" >/dev/null 2>&1
check "a failed file fails the run (exit 1)" test $? -eq 1

# --- two globs stay apart, a named set beside a per-file one
mkdir -p "$scratch/other"
cp "$scratch"/ci/run-1.xml "$scratch"/ci/run-2.xml "$scratch/other/"
agree "two globs, each its own store=" //testcase -- "${junit_opts[@]}" \
    "$scratch/ci/run-*.xml" "$scratch/other/*.xml"
"$XML2PROM" -o - --set runs -r //testcase -b class=@classname --sum t=@time \
    --across-files --set each -r //testcase -b class=@classname --sum t=@time \
    "$scratch/other/*.xml" >"$scratch/two" 2>&1
check "a per-file set keeps its path= series beside the across set's store=" sh -c "
    grep -q '^store_each_t{path=\"$scratch/other/run-1.xml\",' '$scratch/two' &&
    grep -q '^store_runs_t{store=\"$scratch/other/\\*.xml\",' '$scratch/two' &&
    ! grep -q '^store_runs_t{path=' '$scratch/two'"
check "...and promtool takes both" promtool_clean "$scratch/two"

# --- a file not read for a label conflict is not summed either: said
mkdir -p "$scratch/conflict"
echo '<r><row type="a"/></r>' >"$scratch/conflict/x.xml"
echo '<r><row type="a"/></r>' | gzip >"$scratch/conflict/x.xml.gz"
echo '<r><row type="a"/></r>' >"$scratch/conflict/y.xml"
"$XML2PROM" -o - --file-label run=stem --across-files "$scratch/conflict/*" >"$scratch/cf" 2>/dev/null
check "a label conflict's files are counted failed, each named by its path" sh -c "
    grep -qxF 'store_files{store=\"$scratch/conflict/*\"} 1' '$scratch/cf' &&
    grep -qxF 'store_files_failed{store=\"$scratch/conflict/*\"} 2' '$scratch/cf' &&
    grep -qxF 'store_file_failure{store=\"$scratch/conflict/*\",run=\"$scratch/conflict/x.xml.gz\",reason=\"conflict\"} 1' '$scratch/cf'"
check "...and promtool takes it" promtool_clean "$scratch/cf"

# --- the order of a sum: each file's, in document order, then file order
mkdir -p "$scratch/order"
echo '<r><row type="t" v="1e16"/></r>' >"$scratch/order/a.xml"
echo '<r><row type="t" v="1"/><row type="t" v="1"/></r>' >"$scratch/order/b.xml"
"$XML2PROM" -o - --sum v=@v --across-files "$scratch/order/*.xml" >"$scratch/sum" 2>&1
check "a sum across files is the files' sums added in order (1e16 + 2)" \
    grep -qx "store_v{store=\"$scratch/order/\\*.xml\",type=\"t\"} 10000000000000002" "$scratch/sum"
agree "the order of a sum" //row -- --sum v=@v --across-files "$scratch/order/*.xml"
# the reference must tell that order from a running sum over the rows
check "...where a running sum over the rows would give 1e16" $py -c '
s = 0.0
for v in (1e16, 1.0, 1.0): s += v
assert s == 1e16, s'

# --- the series guard counts the aggregate's series
mkdir -p "$scratch/many"
for t in a b c; do echo "<r><row type=\"$t\"/></r>" >"$scratch/many/$t.xml"; done
"$XML2PROM" -o - --max-series 2 --across-files "$scratch/many/*.xml" >"$scratch/lim" 2>"$scratch/lim.err"
check "past --max-series the file that passes it fails (exit 1)" test $? -eq 1
check "...said, naming it and the limit" grep -q "many/c.xml: --across-files .*more than 2 series" "$scratch/lim.err"
check "...counted failed for its reason, limit" grep -qx \
    "store_file_failure{store=\"$scratch/many/\\*.xml\",path=\"$scratch/many/c.xml\",reason=\"limit\"} 1" "$scratch/lim"
check "...its own read still a success" grep -qx "store_read_success{path=\"$scratch/many/c.xml\"} 1" "$scratch/lim"
check "...and the aggregate holds the two files under the limit" sh -c "
    grep -qx 'store_total_rows{store=\"$scratch/many/\\*.xml\"} 2' '$scratch/lim' &&
    grep -qx 'store_files{store=\"$scratch/many/\\*.xml\"} 2' '$scratch/lim'"
"$XML2PROM" -o - --max-series 3 --across-files "$scratch/many/*.xml" >/dev/null 2>&1
check "exactly --max-series is whole (exit 0)" test $? -eq 0

# --- resident: the aggregate follows a changed and a vanished file
mkdir -p "$scratch/live"
cp "$scratch"/ci/run-1.xml "$scratch"/ci/run-2.xml "$scratch"/ci/run-4.xml "$scratch/live/"
live_opts=(-r //testcase -b class=@classname --sum 'seconds:class=@time'
    --last 'last:class=@time' --across-files)
"$XML2PROM" --every 300ms -o "$scratch/live.prom" "${live_opts[@]}" \
    "$scratch/live/*.xml" 2>"$scratch/live.err" &
pids="$pids $!"
live_agrees() {
	cp "$scratch/live.prom" "$scratch/live.snap" 2>/dev/null &&
	    $py "$ref" --text "$scratch/live.snap" "$XML2PROM" //testcase -- \
	    "${live_opts[@]}" "$scratch/live/*.xml" >"$scratch/live.agree" 2>&1
}
check "resident: the aggregate of three files = lxml" wait_for 10 live_agrees ||
    cat "$scratch/live.agree"
cp "$scratch/ci/run-5.xml" "$scratch/live/run-2.xml.new" &&
    mv "$scratch/live/run-2.xml.new" "$scratch/live/run-2.xml"
check "resident: one file replaced, the aggregate follows it" wait_for 10 sh -c "
    grep -qx 'store_files{store=\"$scratch/live/\\*.xml\"} 3' '$scratch/live.prom' &&
    cp '$scratch/live.prom' '$scratch/live.snap' &&
    $py '$ref' --text '$scratch/live.snap' '$XML2PROM' //testcase -- ${live_opts[*]@Q} '$scratch/live/*.xml'" ||
    cat "$scratch/live.agree"
rm "$scratch/live/run-4.xml"
check "resident: one file gone, the aggregate is of the two left" wait_for 10 sh -c "
    grep -qx 'store_files{store=\"$scratch/live/\\*.xml\"} 2' '$scratch/live.prom' &&
    cp '$scratch/live.prom' '$scratch/live.snap' &&
    $py '$ref' --text '$scratch/live.snap' '$XML2PROM' //testcase -- ${live_opts[*]@Q} '$scratch/live/*.xml'"
check "resident: promtool takes the output" promtool_clean "$scratch/live.prom"

# --- exporter: the same over HTTP
port=$(free_port)
cp "$scratch/ci/run-4.xml" "$scratch/live/run-4.xml"
"$XML2PROM" --web.listen-address=127.0.0.1:"$port" "${live_opts[@]}" \
    "$scratch/live/*.xml" 2>"$scratch/web.err" &
pids="$pids $!"
scrape_agrees() {
	curl -sf -o "$scratch/web.prom" "http://127.0.0.1:$port/metrics" &&
	    grep -qx "store_files{store=\"$scratch/live/\\*.xml\"} $1" "$scratch/web.prom" &&
	    $py "$ref" --text "$scratch/web.prom" "$XML2PROM" //testcase -- \
	    "${live_opts[@]}" "$scratch/live/*.xml" >"$scratch/web.agree" 2>&1
}
check "exporter: the aggregate of three files = lxml" wait_for 10 scrape_agrees 3 ||
    cat "$scratch/web.agree" "$scratch/web.err"
cp "$scratch/ci/run-6.xml" "$scratch/live/run-1.xml.new" &&
    mv "$scratch/live/run-1.xml.new" "$scratch/live/run-1.xml"
check "exporter: one file replaced, the next scrape follows it" wait_for 10 scrape_agrees 3 ||
    cat "$scratch/web.agree"
rm "$scratch/live/run-2.xml"
check "exporter: one file gone, the next scrape is of the two left" wait_for 10 scrape_agrees 2 ||
    cat "$scratch/web.agree"
check "exporter: promtool takes the page" promtool_clean "$scratch/web.prom"

finish across
