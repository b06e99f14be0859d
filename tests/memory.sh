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
seconds=${FUZZ_SECONDS:-20}
check "sanitizer and fuzzer builds succeed, warning-free" \
    build_clean "$scratch/build" build/asan/xml2prom build/asan/unit \
    build/fuzz/scan build/fuzz/options build/fuzz/diff \
    build/fuzz/replay-scan build/fuzz/replay-options build/fuzz/replay-diff

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check "ASan+UBSan: unit tests" sh -c "build/asan/unit >'$scratch/u' 2>&1" ||
    tail -5 "$scratch/u"
export HOSTILE_LIMITS=0 CONSISTENCY_QUICK=1
for suite in golden consistency realfiles survey textfile operator hostile security consumers; do
	check "ASan+UBSan: $suite" env XML2PROM="$top/build/asan/xml2prom" \
	    sh -c "tests/$suite.sh >'$scratch/$suite' 2>&1" ||
	    tail -5 "$scratch/$suite"
done

cat >"$scratch/vg" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible "$top/xml2prom" "\$@"
VG
chmod +x "$scratch/vg"
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
check "fuzz corpus replay: diff (streamed = row trees = XPath on the whole tree)" \
    replay_corpus diff
check "fuzzing ${seconds}s per harness finds nothing" tests/fuzz/run "$seconds"

finish memory
