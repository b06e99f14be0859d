#!/bin/bash
# hostile.sh: the hostile and broken inputs of tests/cases (hostile-*,
# err-*, enc-*), each written to a real output file: the documented exit
# status, one line on stderr, bounded memory and time, and an output file
# that promtool accepts.  (golden.sh checks the exact texts.)  Under a
# sanitizer or valgrind, HOSTILE_LIMITS=0 drops the RSS and time checks:
# those measure the tool, not the binary under test.
. "$(dirname "$0")/lib.sh"

max_rss_kb=$((48 * 1024))
max_seconds=10
for src in "$top"/tests/cases/hostile-* "$top"/tests/cases/err-* "$top"/tests/cases/enc-*; do
	name=$(basename "$src")
	work="$scratch/$name"
	cp -r "$src" "$work"
	(
		cd "$work" || exit 1
		[ -x setup ] && ./setup
		eval "set -- $(cat args)"
		# the case's own arguments, but into a file instead of stdout
		[ "$1" = -o ] && shift 2
		/usr/bin/time -o usage -f '%M %e' "$XML2PROM" -o out.prom "$@" 2>err
		echo $? >status
	)
	# GNU time puts "Command exited with non-zero status" first then.
	read -r rss secs < <(tail -n 1 "$work/usage")
	check "$name: exit status $(cat "$src/status")" cmp -s "$src/status" "$work/status"
	check "$name: at most one line on stderr" test "$(wc -l <"$work/err")" -le 1
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: peak RSS $((rss / 1024)) MiB under $((max_rss_kb / 1024)) MiB" \
		    test "$rss" -lt $max_rss_kb
		check "$name: $secs s, under $max_seconds s" \
		    awk -v s="$secs" -v m=$max_seconds 'BEGIN { exit !(s < m) }'
	fi
	check "$name: the output file is valid" promtool_clean "$work/out.prom"
	echo "# $name: exit $(cat "$work/status"), ${rss} KB, ${secs} s"
	rm -rf "$work"
done
finish hostile
