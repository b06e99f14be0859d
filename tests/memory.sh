#!/bin/bash
# memory.sh: memory safety, continuously.  The unit tests and the suites
# that drive the binary through its code paths run again under ASan+UBSan
# (clang, any finding fatal) and under valgrind (memcheck, full leak check,
# any error fatal); the fuzz harnesses (scan, options, and diff: fast path =
# row tree = libxml2's XPath on the whole tree) replay their seed corpus and
# then fuzz for FUZZ_SECONDS (20) each.  consistency.sh runs a sample of
# its combinations under ASan (CONSISTENCY_QUICK).  `make fuzz` fuzzes
# longer.  (faults.sh is left out: it times
# kills against a 1M-row run and tests the file protocol, not memory.)
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 1

# A store holding what the expressions of tests/expressions read: rows in
# rows, ancestors with attributes, children with text, attributes, their
# own children, comments, PIs and a namespace.
sweep_store() {
	cat <<'XML'
<s xmlns:p="urn:p" k="s1" site="top"><shelf id="sh" site="a" n="3" d="2026-01-02">
<row type="book" status="active" n="1.5" d="2026-11-24T08:00:00Z" a="1" id="7" p:type="q" xml:lang="en">
 <!-- a comment --><?pi data?>text one<k a="1" n="2" d="2026-11-24" type="t">kv<k n="4">in</k></k>two
 <name>n</name><title>t</title><category>c</category><amount currency="EUR">120</amount><note/>
 <item type="i"/><r type="rt" n="5"><k type="rk">rk</k><row type="inner" n="0.1"><k>x</k></row></r>
 <n>3</n><d>2026-11-24T09:00:00</d><type>ty</type><p:k type="pk">pk</p:k><k a="x">second</k>
</row>
<row type="dvd" n="  2  "/><row/></shelf></s>
XML
}

# sweep TOOL BINARY: every expression of tests/expressions, as a label
# (16 a run) and as a value (32 a run), on sweep_store's rows, nested ones
# too: each run must give 0 (or 2 for a refused one, run alone), and the
# tool no finding.  Each expression is compiled, dry-run on an empty row
# (fieldexpr.c) and read on rows, so this reaches what golden cases miss.
sweep() {
	local tool=$1 bin=$2 kind expr n=0 args=() status rc=0
	sweep_store >"$scratch/sweep.xml"
	awk -F'\t' '!/^#/ && NF == 2' tests/expressions >"$scratch/sweep.exprs"
	run_sweep() {	# ARGS...: one run, exit 0 wanted
		"$bin" -o - --max-series=100000 -n p=urn:p -r //row "$@" \
		    "$scratch/sweep.xml" >/dev/null 2>"$scratch/sweep.err" ||
		    { echo "$tool: $*: exit $?"; tail -3 "$scratch/sweep.err"; rc=1; }
	}
	for as in label value; do
		n=0 args=()
		while IFS=$'\t' read -r kind expr; do
			if [ "$kind" = refused ]; then
				"$bin" -o - -r //row -b "l=$expr" --sum "v:=$expr" \
				    "$scratch/sweep.xml" >/dev/null 2>&1
				status=$?
				[ $status -eq 2 ] || { echo "$tool: refused $expr: exit $status"; rc=1; }
				continue
			fi
			if [ $as = label ]; then args+=(-b "l$n=$expr"); else
				args+=(--sum "v$n:=$expr"); fi
			n=$((n + 1))
			if [ $as = label -a $n -eq 16 ] || [ $n -eq 32 ]; then
				run_sweep "${args[@]}"
				n=0 args=()
			fi
		done <"$scratch/sweep.exprs"
		[ $n -eq 0 ] || run_sweep "${args[@]}"
	done
	return $rc
}
seconds=${FUZZ_SECONDS:-20}
cat >"$scratch/vg" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible "$top/xml2prom" "\$@"
VG
chmod +x "$scratch/vg"
# `memory.sh expressions`: the sweep alone (make mutants)
if [ "${1:-}" = expressions ]; then
	check "valgrind: every expression of tests/expressions as a label and a value" \
	    sweep valgrind "$scratch/vg"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	check "ASan+UBSan: every expression of tests/expressions as a label and a value" \
	    eval 'make_locked build/asan/xml2prom >/dev/null 2>&1 &&
	    sweep asan build/asan/xml2prom'
	finish memory
	exit
fi
check "sanitizer and fuzzer builds succeed, warning-free" \
    build_clean "$scratch/build" build/asan/xml2prom build/asan/unit \
    build/fuzz/scan build/fuzz/options build/fuzz/diff build/fuzz/web \
    build/fuzz/replay-scan build/fuzz/replay-options build/fuzz/replay-diff \
    build/fuzz/replay-web

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check "ASan+UBSan: unit tests" sh -c "build/asan/unit >'$scratch/u' 2>&1" ||
    tail -5 "$scratch/u"
check "ASan+UBSan: every expression of tests/expressions as a label and a value" \
    sweep asan build/asan/xml2prom
export HOSTILE_LIMITS=0 CONSISTENCY_QUICK=1
for suite in golden consistency realfiles survey textfile operator hostile security consumers; do
	check "ASan+UBSan: $suite" env XML2PROM="$top/build/asan/xml2prom" \
	    sh -c "tests/$suite.sh >'$scratch/$suite' 2>&1" ||
	    tail -5 "$scratch/$suite"
done

check "valgrind: every expression of tests/expressions as a label and a value" \
    sweep valgrind "$scratch/vg"
check "valgrind: unit tests" \
    sh -c "valgrind -q --error-exitcode=99 --leak-check=full build/unit >/dev/null"
# (consistency runs under ASan only: its sample takes minutes in valgrind)
for suite in golden hostile; do
	check "valgrind: $suite" env XML2PROM="$scratch/vg" \
	    sh -c "tests/$suite.sh >'$scratch/vg-$suite' 2>&1" ||
	    tail -5 "$scratch/vg-$suite"
done

check "fuzz corpus replay: scan" replay_corpus scan
check "fuzz corpus replay: options" replay_corpus options
check "fuzz corpus replay: web (routing, headers, web config)" \
    replay_corpus web
check "fuzz corpus replay: diff (streamed = row trees = XPath on the whole tree)" \
    replay_corpus diff
check "fuzzing ${seconds}s per harness finds nothing" tests/fuzz/run "$seconds"

finish memory
