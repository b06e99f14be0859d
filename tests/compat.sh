#!/bin/bash
# compat.sh: xml2prom built and tested against another libxml2, one that
# was built from its own sources and installed into a private prefix (see
# the README, "Other libxml2 releases").  Nothing here builds libxml2.
#
# The tree is copied to build/compat/VERSION and built there, linked to
# PREFIX/lib with an rpath, so the usual build is left alone.  Runs the
# suites that exercise the parser (warning-free builds with gcc and clang,
# unit, golden, consistency, textfile, hostile, frontend: every hostile
# store through each mode, with its reason and CPU bound, and security:
# the stores built to take unbounded memory or CPU), replays the fuzz
# corpora under ASan+UBSan and fuzzes the differential harness for a while.
# Under CI=true a missing tool is a failure, as in run-all.
#
# COMPAT_SUITES names fewer run-all suites (a quick pass over the ones
# that read stores, on a busy machine); COMPAT_FUZZ_SECONDS=0 leaves out
# the sanitizer builds, the replays and the fuzzer, and says so.
#
# usage: tests/compat.sh PREFIX
# environment: COMPAT_SUITES (all of the above), COMPAT_FUZZ_SECONDS (60)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(cd "${1:?usage: compat.sh PREFIX}" && pwd) || exit 2
pc="$prefix/lib/pkgconfig"
[ -f "$pc/libxml-2.0.pc" ] || { echo "compat: no libxml-2.0.pc in $pc"; exit 2; }
# The tools first: what is missing is installed or, under CI=true, fails.
"$top/tests/deps.sh" || exit 1
version=$(PKG_CONFIG_PATH="$pc" pkg-config --modversion libxml-2.0) &&
    [ -n "$version" ] || { echo "compat: pkg-config cannot read $pc"; exit 2; }
work="$top/build/compat/$version"

rm -rf "$work"
mkdir -p "$work"
(cd "$top" && tar --exclude='*.o' -cf - Makefile src include tests examples bench man) |
    tar -xf - -C "$work"
export PKG_CONFIG_PATH="$pc"
export LDFLAGS="-Wl,-rpath,$prefix/lib"
cd "$work" || exit 1
make -s xml2prom >/dev/null || exit 1
echo "compat: $(./xml2prom --version)"
ldd ./xml2prom | grep -q "$prefix/lib/libxml2" ||
    { echo "compat: not linked to $prefix/lib"; exit 1; }

CI=${CI:-} tests/run-all ${COMPAT_SUITES:-build unit golden consistency \
    textfile hostile frontend security}
status=$?
if [ "${COMPAT_FUZZ_SECONDS:-60}" = 0 ]; then
	echo "compat: sanitizer builds, replays and fuzzing left out (COMPAT_FUZZ_SECONDS=0)"
	exit $status
fi

. tests/lib.sh
check "libxml2 $version: sanitizer builds succeed, warning-free" \
    build_clean "$scratch/build" build/fuzz/replay-scan build/fuzz/replay-diff \
    build/fuzz/diff
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for h in scan diff; do
	check "libxml2 $version: fuzz corpus replay: $h" replay_corpus $h
done
check "libxml2 $version: differential fuzzing ${COMPAT_FUZZ_SECONDS:-60}s finds nothing" \
    tests/fuzz/run "${COMPAT_FUZZ_SECONDS:-60}" diff
finish "compat-$version" && exit $status
