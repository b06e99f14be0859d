#!/bin/bash
# where_first_last.sh: --where, --first and --last against lxml
# (tests/where_first_last.py): the rows where boolean(EXPR) holds,
# streamed and on the row's tree, and each group's first and last value
# in document order, rows inside rows read at their end tags too.
. "$(dirname "$0")/lib.sh"

"$top"/build/genstore 300 lines >"$scratch/gen.xml"
stores=("$scratch/gen.xml://row" "$top/examples/store.xml:/*/*"
    "$top/tests/cases/values-first-last/store.xml://line"
    "$top/tests/cases/where-open-ports/nmap.xml://port")
for s in "${stores[@]}"; do
	/usr/bin/python3 "$top/tests/where_first_last.py" "$XML2PROM" "$s" \
	    >"$scratch/report"
	read -r verdict n < <(sed 's/^not ok/not-ok/' "$scratch/report")
	check "${s#"$top"/}: ${n:-0} comparisons with lxml agree" \
	    test "${verdict:-}" = ok -a "${n:-0}" -gt 0 || cat "$scratch/report"
done
finish where_first_last
