#!/bin/bash
# hostile.sh: the hostile and broken inputs of tests/cases (hostile-*,
# err-*, enc-*), each written to a real output file: the documented exit
# status and failure reason (as the case's expected output gives them), one
# line on stderr, bounded memory and CPU time, and an output file that
# promtool accepts; a case whose setup fails fails.  (golden.sh checks the
# exact texts.)  Under a sanitizer or valgrind, HOSTILE_LIMITS=0 drops the
# RSS and time checks: those measure the tool, not the binary under test.
. "$(dirname "$0")/lib.sh"

max_rss_kb=$((48 * 1024))
max_cpu_seconds=5	# CPU, not wall time: the machine is shared
for src in "$top"/tests/cases/hostile-* "$top"/tests/cases/err-* "$top"/tests/cases/enc-*; do
	name=$(basename "$src")
	work="$scratch/$name"
	case_prepare "$src" "$work"
	# the case's own arguments, but into a file instead of stdout
	[ "${CASE_ARGV[0]}" = -o ] && CASE_ARGV=("${CASE_ARGV[@]:2}")
	(
		cd "$work" || exit 1
		/usr/bin/time -o usage -f '%M %U %S' "$XML2PROM" -o out.prom \
		    "${CASE_ARGV[@]}" 2>err
		echo $? >status
	)
	case_setup_made "$name" "$work"
	# GNU time puts "Command exited with non-zero status" first then.
	read -r rss user sys < <(tail -n 1 "$work/usage")
	check "$name: exit status $(cat "$src/status")" cmp -s "$src/status" "$work/status"
	check "$name: at most one line on stderr" test "$(wc -l <"$work/err")" -le 1
	# the reason the expected output gives, store_files 0 for a glob or
	# directory with no store in it, or read_success 1
	want=$(grep -oE '_read_failure\{.*reason="[a-z]+"\} 1$' "$src/stdout" |
	    sed -E 's/.*reason="([a-z]+)".*/\1/')
	if [ -n "$want" ]; then
		check "$name: reason=\"$want\"" \
		    grep -qE "_read_failure\{.*reason=\"$want\"\} 1$" "$work/out.prom"
	elif grep -qE '_store_files\{.*\} 0$' "$src/stdout"; then
		# a glob or directory with no store in it: no read to fail
		check "$name: store_files 0" \
		    grep -qE '^[a-z_]+_store_files\{.*\} 0$' "$work/out.prom"
	else
		check "$name: read in full" \
		    grep -qE '^[a-z_]+_read_success\{.*\} 1$' "$work/out.prom"
	fi
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: peak RSS $((rss / 1024)) MiB under $((max_rss_kb / 1024)) MiB" \
		    test "$rss" -lt $max_rss_kb
		check "$name: CPU $user+$sys s, under $max_cpu_seconds s" \
		    awk -v u="$user" -v s="$sys" -v m=$max_cpu_seconds \
		    'BEGIN { exit !(u + s < m) }'
	fi
	check "$name: the output file is valid" promtool_clean "$work/out.prom"
	echo "# $name: exit $(cat "$work/status"), ${rss} KB, ${user}+${sys} s CPU"
	rm -rf "$work"
done
finish hostile
