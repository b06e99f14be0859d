#!/bin/bash
# frontend.sh: every mode reads a store through one front end
# (storeread.h), so every hostile store of tests/ fails the same way in
# each: the one-shot run (-o -), --check, the resident mode (--every, its
# first cycle) and --survey give the same exit status and the same one
# line on stderr, the run and the resident mode the same reason, each in
# under FRONTEND_CPU seconds of CPU (not wall time: the machine is
# shared), and each store's reason the one it has on every libxml2
# (tests/compat.sh runs this against each release).  Prints each mode's
# exit, CPU, reason and message, then a table of the reason and CPU
# seconds of each store in the run, the resident mode and --survey.  The
# survey writes no failure series: its reason is the run's when it exits
# as the run and says the same line (one front end, one message per
# reason), "differs" when not.
. "$(dirname "$0")/lib.sh"

max_cpu=${FRONTEND_CPU:-2}
stores="$scratch/stores"
mkdir -p "$stores"

# The stores of tests/cases whose refusal is the front end's (or that
# read in full: every mode reads them).
for name in hostile-billion-laughs hostile-quadratic hostile-xxe \
    hostile-deep hostile-big-attribute hostile-gzip-bomb entity-undeclared \
    entity-budget-over entity-loop entity-parameter-loop \
    err-not-well-formed err-bad-utf8 err-truncated err-empty; do
	case_prepare "$top/tests/cases/$name" "$scratch/$name"
	case_setup_made "$name" "$scratch/$name"
	file=${CASE_ARGV[${#CASE_ARGV[@]} - 1]}
	cp "$scratch/$name/$file" "$stores/$name"
	rm -rf "$scratch/$name"
done
# security.sh's and issue 28's shapes: attribute defaults (155 KB and
# many rows), 90 000 attributes on a tag, namespace declarations, too many
# attribute declarations, a 2.8 KB store expanding about 1 700 times, a
# 280 KB one, 40 MiB of text.
/usr/bin/python3 - "$stores" <<'PY' || not_ok "the hostile stores could not be made"
import sys
d = sys.argv[1]
def write(name, *parts):
    with open("%s/%s" % (d, name), "w") as f:
        for p in parts:
            f.write(p)
write("defaults-155k", "<!DOCTYPE s [<!ATTLIST row ",
      " ".join('a%d CDATA "1"' % i for i in range(9000)), ">]>\n<s>",
      "<row/>" * 2000, "</s>\n")
write("defaults-rows", "<!DOCTYPE s [<!ATTLIST row ",
      " ".join('a%d CDATA "1"' % i for i in range(1000)), ">]>\n<s>",
      "<row/>" * 100000, "</s>\n")
write("attrs-90000", "<s><row ",
      " ".join('a%d="1"' % i for i in range(90000)), "/><row/></s>\n")
write("nsdecl-100000", "<s><row ",
      " ".join('xmlns:p%d="u%d"' % (i, i) for i in range(100000)), "/></s>\n")
write("attlist-10001", "<!DOCTYPE s [",
      "".join('<!ATTLIST e%d a CDATA "1">' % i for i in range(10001)),
      "]>\n<s><row/></s>\n")
write("amplify-2k8", '<!DOCTYPE s [<!ENTITY e0 "', "x" * 50, '">',
      "".join('<!ENTITY e%d "%s">' % (i, ("&e%d;" % (i - 1)) * 10)
              for i in range(1, 4)), "]>\n<s>",
      '<row type="t">&e3;</row>' * 100, "</s>\n")
write("amplify-280k", '<!DOCTYPE s [<!ENTITY a "', "y" * 20000, '">]>\n<s>',
      '<row type="t">&a;</row>' * 13000, "</s>\n")
write("bigtext-40m", "<s><row><c>", "x" * (40 << 20), "</c></row></s>\n")
PY

# one MODE STORE: runs it; sets status, cpu, line (stderr), reason.
one() {
	local mode=$1 store=$2 out="$scratch/out.prom" pid tpid
	rm -f "$out" "$scratch/usage"
	case $mode in
	run)	timeout -s KILL 20 /usr/bin/time -o "$scratch/usage" \
		    -f '%U %S' "$XML2PROM" -o - "$store" >"$out" 2>"$scratch/err" ;;
	check)	timeout -s KILL 20 /usr/bin/time -o "$scratch/usage" \
		    -f '%U %S' "$XML2PROM" --check -o "$out" "$store" \
		    >/dev/null 2>"$scratch/err" ;;
	survey)	timeout -s KILL 20 /usr/bin/time -o "$scratch/usage" \
		    -f '%U %S' "$XML2PROM" --survey "$store" \
		    >/dev/null 2>"$scratch/err" ;;
	resident)
		/usr/bin/time -o "$scratch/usage" -f '%U %S' "$XML2PROM" \
		    --every 1h -o "$out" "$store" 2>"$scratch/err" &
		tpid=$!
		wait_for 20 test -s "$out"
		pid=$(pgrep -P "$tpid")
		[ -n "$pid" ] && kill -TERM "$pid"
		wait "$tpid" ;;
	esac
	status=$?
	line=$(head -n 1 "$scratch/err")
	cpu=$(tail -n 1 "$scratch/usage" 2>/dev/null |
	    awk 'NF == 2 { print $1 + $2 }')
	reason=$(sed -nE 's/^[a-z_]+_read_failure\{.*reason="([a-z]+)"\} 1$/\1/p' \
	    "$out" 2>/dev/null)
	[ -z "$reason" ] && grep -qE '^[a-z_]+_read_success\{.*\} 1$' "$out" \
	    2>/dev/null && reason=read
	echo "# $(basename "$store") $mode: exit $status, ${cpu:-?} s CPU, ${reason:--}: ${line:-(no message)}"
}

# The reason each store is refused with, or "read", whatever the release
# of libxml2: the store's shape decides it, not libxml2's wording.
expected_reason() {
	case $1 in
	amplify-*|attlist-*|attrs-*|defaults-*|nsdecl-*|entity-budget-over|\
	hostile-big-attribute|hostile-billion-laughs|hostile-deep|\
	hostile-gzip-bomb|hostile-quadratic)
		echo limit ;;
	entity-undeclared|hostile-xxe)
		echo entity ;;
	entity-loop|entity-parameter-loop|err-*)
		echo parse ;;
	bigtext-40m)
		echo read ;;
	*)	echo "(no reason pinned for $1)" ;;
	esac
}

# row STORE MODE REASON: one cell of the table, with the last one's CPU.
row() {
	echo "$1 $2 ${3:--} ${cpu:-?}" >>"$scratch/table"
}

cpu_under() {
	awk -v c="${1:-999}" -v m="$max_cpu" 'BEGIN { exit !(c < m) }'
}

for store in "$stores"/*; do
	name=$(basename "$store")
	one run "$store"
	run_status=$status run_line=$line run_reason=$reason
	row "$name" run "$reason"
	check "$name: the run says why in one line or reads it" \
	    test -n "$run_reason"
	want=$(expected_reason "$name")
	check "$name: the run's reason is $want ($run_reason)" \
	    test "$run_reason" = "$want"
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: the run in under $max_cpu s CPU ($cpu)" cpu_under "$cpu"
	fi
	one check "$store"
	check "$name: --check exits as the run ($status, $run_status)" \
	    test "$status" = "$run_status"
	# A store read whole: --check says more than the run (issue 31.3:
	# a label empty on every row), so only a refusal's line is compared.
	if [ "$run_status" != 0 ]; then
		check "$name: --check says what the run says" \
		    test "$line" = "$run_line"
	fi
	one resident "$store"
	row "$name" resident "$reason"
	check "$name: the resident mode's reason is the run's ($reason)" \
	    test "$reason" = "$run_reason"
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: the resident mode's cycle in under $max_cpu s CPU ($cpu)" cpu_under "$cpu"
	fi
	if [ "$run_status" != 0 ]; then
		check "$name: the resident mode says what the run says" \
		    test "$line" = "$run_line"
	fi
	one survey "$store"
	if [ "$status" = "$run_status" ] &&
	    { [ "$status" = 0 ] || [ "$line" = "$run_line" ]; }; then
		row "$name" survey "$run_reason"
	else
		row "$name" survey differs
	fi
	check "$name: --survey exits as the run ($status, $run_status)" \
	    test "$status" = "$run_status"
	if [ "$run_status" != 0 ]; then
		check "$name: --survey says what the run says" \
		    test "$line" = "$run_line"
	fi
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: --survey in under $max_cpu s CPU ($cpu)" cpu_under "$cpu"
	fi
done
awk '{ cell[$1, $2] = sprintf("%-12s %5s", $3, $4) }
	!($1 in seen) { seen[$1] = 1; order[n++] = $1 }
	END {
		printf "# %-22s %-18s  %-18s  %-18s\n", "store (reason, CPU s)",
		    "run", "resident", "survey"
		for (i = 0; i < n; i++)
			printf "# %-22s %-18s  %-18s  %-18s\n", order[i],
			    cell[order[i], "run"], cell[order[i], "resident"],
			    cell[order[i], "survey"]
	}' "$scratch/table"
finish frontend
