#!/bin/bash
# golden.sh: end-to-end cases.  Each directory in tests/cases holds the
# inputs of one case and:
#   args       the command line after 'xml2prom' (shell words)
#   setup      optional: makes large or generated inputs, run first
#   stdin.xml  optional: given as standard input
#   stdout     the expected standard output (times masked, see normalize)
#   stderr     the expected standard error; '<libxml2>' in it stands for
#              libxml2's own wording, which changes between releases
#   status     the expected exit status
# A case runs in a copy of its directory, with every input's mtime set to
# 1700000000, so outputs are byte-for-byte stable.  Every exposition text
# produced is also checked by promtool.
#
# usage: golden.sh [--regen] [CASE...]   (--regen rewrites expectations)
. "$(dirname "$0")/lib.sh"

regen=0
if [ "${1:-}" = --regen ]; then regen=1; shift; fi
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$top"/tests/cases/*/)

exposition_part() {
	# --dump prints rows and counts first; the exposition follows its heading.
	if grep -q '^# xml2prom --dump:' "$1"; then
		sed -n '/^# xml2prom --dump:/,$p' "$1"
	else
		cat "$1"
	fi
}

stderr_matches() {	# EXPECTED ACTUAL
	if grep -q '<libxml2>' "$1" 2>/dev/null; then
		/usr/bin/python3 "$top/tests/template-match.py" "$1" "$2"
	else
		diff -u "$1" "$2"
	fi
}

run_case() {
	src=${1%/}
	name=$(basename "$src")
	work="$scratch/$name"
	case_prepare "$src" "$work"
	(
		cd "$work" || exit 1
		stdin=/dev/null
		[ -f stdin.xml ] && stdin=stdin.xml
		"$XML2PROM" "${CASE_ARGV[@]}" <"$stdin" >actual.out 2>actual.err
		echo $? >actual.status
	)
	case_setup_made "$name" "$work"
	normalize <"$work/actual.out" >"$work/actual.norm"
	if [ $regen -eq 1 ]; then
		cp "$work/actual.norm" "$src/stdout"
		stderr_matches "$src/stderr" "$work/actual.err" >/dev/null ||
		    cp "$work/actual.err" "$src/stderr"
		cp "$work/actual.status" "$src/status"
	fi
	check "$name: stdout" diff -u "$src/stdout" "$work/actual.norm"
	check "$name: stderr" stderr_matches "$src/stderr" "$work/actual.err"
	check "$name: status" diff -u "$src/status" "$work/actual.status"
	if [ -s "$work/actual.out" ] && grep -q '^# TYPE' "$work/actual.out"; then
		exposition_part "$work/actual.out" >"$work/expo.prom"
		check "$name: promtool check metrics" \
		    promtool_clean "$work/expo.prom"
	fi
	rm -rf "$work"
}

for c in "${cases[@]}"; do
	run_case "$c"
done
finish golden
