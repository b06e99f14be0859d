# lib.sh: what every test script shares: counting results, temp dirs, the
# binary under test.  Sourced, not run.
#
# XML2PROM may name a wrapped binary (valgrind, a sanitizer build); the
# scripts never assume it is ./xml2prom.

top=$(cd "$(dirname "$0")/.." && pwd)
: "${XML2PROM:=$top/xml2prom}"
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	[ -n "${VERBOSE:-}" ] && printf 'ok - %s\n' "$*"
	return 0
}

not_ok() {
	failed=$((failed + 1))
	printf 'not ok - %s\n' "$*"
}

# A check that cannot run here: said so and counted neither way on a
# developer's machine; under CI=true, where everything must run, a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		not_ok "skipped under CI=true: $*"
	else
		printf '# skip - %s\n' "$*"
	fi
}

# check DESCRIPTION COMMAND...: one result from a command's exit status,
# returned too, so that `check ... || cat LOG` shows why it failed.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi
}

# make_locked TARGET...: make in the tree, one suite at a time: suites run
# side by side (run-all), and two makes of one target at once would write
# the same binary together.
make_locked() {
	mkdir -p "$top/build" &&
	    flock "$top/build/.make-lock" make -s -C "$top" "$@"
}

# build_clean LOG TARGET...: make's own status counts, and it says nothing
# of a warning or an error (in any case); on failure, its last lines.
build_clean() {
	_log=$1
	shift
	{ make_locked "$@" >"$_log" 2>&1 && ! grep -qiE 'warning|error' "$_log"; } ||
	    { tail -n 20 "$_log"; return 1; }
}

# replay_corpus HARNESS: build/fuzz/replay-HARNESS over its seed corpus.
# Its own exit status counts (a sanitizer's finding, a leak at exit), and
# it must have read every input.
replay_corpus() {
	_dir="$top/tests/fuzz/corpus/$1"
	_n=$(find "$_dir" -type f | wc -l)
	{ "$top/build/fuzz/replay-$1" "$_dir"/* >"$scratch/replay-$1" 2>&1 &&
	    grep -qx "replay: $_n inputs" "$scratch/replay-$1"; } ||
	    { tail -n 20 "$scratch/replay-$1"; return 1; }
}

# case_prepare SRC WORK: a case of tests/cases (see golden.sh) made ready
# to run in WORK: a copy of SRC, its setup run (setup.status, setup.log),
# its inputs dated 1700000000 so outputs are stable; its command line in
# CASE_ARGV.
case_prepare() {
	rm -rf "$2"
	cp -r "$1" "$2"
	(
		cd "$2" || exit 1
		if [ -x setup ]; then
			./setup >setup.log 2>&1
			echo $? >setup.status
		fi
		find . -maxdepth 1 -type f ! -name args ! -name setup \
		    ! -name stdout ! -name stderr ! -name status \
		    -exec touch -h -d @1700000000 {} +
	)
	eval "CASE_ARGV=($(cat "$2/args"))"
}

# case_setup_made NAME WORK: a case whose setup failed fails.
case_setup_made() {
	[ -f "$2/setup.status" ] || return 0
	check "$1: its setup made the inputs" \
	    test "$(cat "$2/setup.status")" -eq 0 || cat "$2/setup.log"
}

# A temp dir removed when the script exits, whatever happens.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/xml2prom-test.XXXXXX")
cleanup_hooks=""
on_exit() {
	for hook in $cleanup_hooks; do "$hook"; done
	rm -rf "$scratch"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# The closing line run-all adds up: "NAME: N passed, N failed".
finish() {
	printf '%s: %d passed, %d failed\n' "$1" "$passed" "$failed"
	[ "$failed" -eq 0 ]
}

# Values that change every run, masked so outputs can be compared.
normalize() {
	sed -E 's/^([a-zA-Z_:][a-zA-Z0-9_:]*_(last_success_timestamp_seconds|read_duration_seconds)\{.*\}) [0-9.e+-]+$/\1 <varies>/'
}

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for SECONDS COMMAND...: retry until it succeeds or time runs out.
wait_for() {
	limit=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$limit" ] && return 1
		sleep 0.2
	done
}

# promtool must not only accept a text but have nothing to say about it.
promtool_clean() {
	_out=$(promtool check metrics <"$1" 2>&1) || { printf '%s\n' "$_out"; return 1; }
	[ -z "$_out" ] || { printf '%s\n' "$_out"; return 1; }
}

# wait_open PID FILE: until process PID has FILE open (at most 10 s).
wait_open() {
	_limit=$(( $(date +%s) + 10 ))
	until ls -l "/proc/$1/fd" 2>/dev/null | grep -qF -- "$2"; do
		[ "$(date +%s)" -ge "$_limit" ] && return 1
		sleep 0.01
	done
}

# junit_report DIR: a JUnit report python3-xmlrunner writes now, of a few
# tests that pass, fail, err and are skipped, in DIR/junit.xml.
junit_report() {
	mkdir -p "$1"
	cat >"$1/t_shop.py" <<'PY'
import time
import unittest


class Shelf(unittest.TestCase):
    def test_quick(self): pass
    def test_slow(self): time.sleep(0.05)
    def test_wrong(self): self.assertEqual(1, 2)
    @unittest.skip("later")
    def test_later(self): pass


class Till(unittest.TestCase):
    def test_error(self): raise RuntimeError("boom")
    def test_slower(self): time.sleep(0.2)
    def test_sum(self): self.assertEqual(sum([1, 2]), 3)
PY
	(cd "$1" && /usr/bin/python3 -c '
import sys, unittest, xmlrunner
sys.path.insert(0, ".")
suite = unittest.defaultTestLoader.loadTestsFromName("t_shop")
with open("junit.xml", "wb") as out:
    xmlrunner.XMLTestRunner(output=out, outsuffix="").run(suite)' >/dev/null 2>&1)
}

# for_nobody FILE...: copies, in $scratch/nobody, of what a test runs as
# nobody needs from the checkout (stores, and the binary in
# $NOBODY_XML2PROM): the checkout may sit in a private directory (a clone
# under `mktemp -d`, mode 0700) that nobody cannot enter.  A wrapper
# script (valgrind) is left as it is.  Not in a subshell: it sets
# NOBODY_DIR, the copies' directory, and NOBODY_XML2PROM.
for_nobody() {
	_d="$scratch/nobody"
	NOBODY_DIR=$_d
	mkdir -p "$_d"
	chmod 0755 "$scratch" "$_d"
	for _f; do cp "$_f" "$_d/" && chmod 0644 "$_d/${_f##*/}"; done
	NOBODY_XML2PROM=$XML2PROM
	if [ "$(head -c 4 "$XML2PROM" 2>/dev/null)" = "$(printf '\177ELF')" ]; then
		cp "$XML2PROM" "$_d/xml2prom" && chmod 0755 "$_d/xml2prom"
		NOBODY_XML2PROM=$_d/xml2prom
	fi
}
