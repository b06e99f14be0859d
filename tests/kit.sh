#!/bin/bash
# kit.sh: what an operator installs and copies: make install/uninstall,
# the systemd units, the cron file, the man page, the Grafana dashboard,
# and the README's snippets, each checked against the file it comes from.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

# --- make install / uninstall into a DESTDIR
dest="$scratch/dest"
make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
(cd "$dest" && find . -type f | sort) >"$scratch/tree"
cat >"$scratch/want" <<TREE
./etc/xml2prom/example.conf
./usr/bin/xml2prom
./usr/lib/systemd/system/xml2prom-exporter.service
./usr/lib/systemd/system/xml2prom-exporter.socket
./usr/lib/systemd/system/xml2prom.service
./usr/lib/systemd/system/xml2prom.timer
./usr/lib/systemd/system/xml2prom@.service
./usr/lib/systemd/system/xml2prom@.timer
./usr/share/man/man1/xml2prom.1
TREE
check "make install puts exactly the binary, man page, units and example.conf" \
    diff -u "$scratch/want" "$scratch/tree"
echo 'STORE=/srv/mine.xml' >"$dest/etc/xml2prom/example.conf"
make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
check "make install never overwrites an edited /etc/xml2prom/example.conf" \
    grep -qx 'STORE=/srv/mine.xml' "$dest/etc/xml2prom/example.conf"
cp examples/xml2prom@example.conf "$dest/etc/xml2prom/example.conf"
check "the installed binary runs" \
    sh -c "'$dest/usr/bin/xml2prom' -o - examples/store.xml | grep -q '^store_total_rows.* 6$'"
check "the installed binary is executable by all, the rest read-only" \
    sh -c "test \$(stat -c %a '$dest/usr/bin/xml2prom') = 755 &&
        test \$(stat -c %a '$dest/usr/share/man/man1/xml2prom.1') = 644"
check "installed units start the installed binary" \
    sh -c "for u in xml2prom.service xml2prom@.service; do
        grep -q '^ExecStart=/usr/bin/xml2prom ' '$dest'/usr/lib/systemd/system/\$u || exit 1
        ! grep '^ExecStart=' '$dest'/usr/lib/systemd/system/\$u | grep -vq '^ExecStart=/usr/bin/xml2prom ' || exit 1
    done"
check "installed units are mode 0644" \
    sh -c "test \$(stat -c %a '$dest/usr/lib/systemd/system/xml2prom.timer') = 644"
touch "$dest/usr/bin/other-tool"
make -s uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null
check "make uninstall removes exactly those files" \
    test "$(cd "$dest" && find . -type f)" = "./usr/bin/other-tool"
check "make uninstall removes the directories only it used" \
    test ! -e "$dest/etc/xml2prom" -a ! -e "$dest/usr/lib/systemd" -a -d "$dest/usr/bin"

# --- systemd units
units="$scratch/units"
mkdir -p "$units"
for u in xml2prom.service xml2prom.timer xml2prom@.service xml2prom@.timer; do
	# verify insists that ExecStart's binary exists: point it at ours.
	sed "s|/usr/local/bin/xml2prom|$top/xml2prom|" "examples/$u" >"$units/$u"
done
check "systemd-analyze verify: service and timer" \
    sh -c "cd '$units' && systemd-analyze verify --man=no xml2prom.service xml2prom.timer"
check "systemd-analyze verify: the templates" \
    sh -c "cd '$units' && systemd-analyze verify --man=no xml2prom@library.service xml2prom@library.timer"
for u in xml2prom.service xml2prom@.service; do
	score=$(cd "$units" && systemd-analyze security --offline=true "$u" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	echo "# systemd-analyze security $u: ${score:-?}"
	check "systemd-analyze security: $u exposure $score is SAFE (< 2.0)" \
	    awk -v s="${score:-99}" 'BEGIN { exit !(s < 2.0) }'
done
check "the timer fires every minute" grep -q '^OnCalendar=\*-\*-\* \*:\*:00$' examples/xml2prom.timer
check "the service is a oneshot with a start timeout under a minute" \
    sh -c "grep -q '^Type=oneshot' examples/xml2prom.service &&
        grep -q '^TimeoutStartSec=45s' examples/xml2prom.service"
check "the service treats a held lock (exit 4) as success" \
    grep -q '^SuccessExitStatus=4' examples/xml2prom.service
check "the template reads its environment file" \
    grep -q '^EnvironmentFile=/etc/xml2prom/%i.conf' examples/xml2prom@.service

# --- the units' commands, run as the units run them (no systemd runs here
# to start them: this runs what ExecStart says, as root without any
# capability, as an empty CapabilityBoundingSet= and no User= would)
for u in xml2prom.service xml2prom@.service; do
	check "$u runs as root: no User=, no Group=" \
	    sh -c "! grep -qE '^(User|Group|DynamicUser)=' examples/$u"
	check "$u: no capability at all" \
	    sh -c "grep -qx 'CapabilityBoundingSet=' examples/$u &&
	        grep -qx 'AmbientCapabilities=' examples/$u"
	check "$u: writes only the textfile directory" \
	    sh -c "grep -qx 'ProtectSystem=strict' examples/$u &&
	        test \"\$(grep '^ReadWritePaths=' examples/$u)\" = 'ReadWritePaths=/var/lib/prometheus/node-exporter'"
done
svcdir="$scratch/svc"
mkdir -p "$svcdir/textfile" "$svcdir/srv"
cp examples/store.xml "$svcdir/srv/store.xml"
chmod 0755 "$scratch" "$svcdir" "$svcdir/srv" "$svcdir/textfile"
no_caps() { setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"; }
as_service() {	# as_service UNIT [INSTANCE]: its ExecStart, paths moved to $svcdir
	local exec
	exec=$(sed -n 's/^ExecStart=//p' "examples/$1")
	exec=${exec//\/usr\/local\/bin\/xml2prom/$top/xml2prom}
	exec=${exec//\/var\/lib\/prometheus\/node-exporter/$svcdir/textfile}
	exec=${exec//\/srv\/app\/store.xml/$svcdir/srv/store.xml}
	exec=${exec//%i/${2:-}}
	(
		if [ -n "${2:-}" ]; then
			set -a
			. examples/xml2prom@example.conf
			set +a
			export STORE="$svcdir/srv/store.xml"
		fi
		umask 0077	# the unit says 0022; the mode must not depend on it
		no_caps sh -c "$exec"
	)
}
as_service xml2prom.service >"$scratch/svc.out" 2>&1
status=$?
check "xml2prom.service's command, as root without capabilities: exit 0, silent" \
    test $status -eq 0 -a ! -s "$scratch/svc.out"
check "xml2prom.service's command writes store.prom, readable by all" \
    sh -c "promtool check metrics <'$svcdir/textfile/store.prom' &&
        test \$(stat -c %a '$svcdir/textfile/store.prom') = 644"
as_service xml2prom@.service library >"$scratch/svc.out" 2>&1
check "xml2prom@library.service's command, with its environment file: exit 0" test $? -eq 0
check "xml2prom@library.service writes library.prom with the file's options" \
    grep -q '^store_rows{path="'"$svcdir"'/srv/store.xml",type="book",app="library"} 4$' \
    "$svcdir/textfile/library.prom"

# --- the way example.conf gives to try a conf by hand, run as it says
try=$(sed -n 's/^#   \(sh -c .*\)$/\1/p' examples/xml2prom@example.conf)
check "example.conf says how to try a conf by hand" test -n "$try"
sed "s|^STORE=.*|STORE=$svcdir/srv/store.xml|" examples/xml2prom@example.conf \
    >"$svcdir/library.conf"
try=${try//\/etc\/xml2prom\/NAME.conf/$svcdir/library.conf}
mkdir -p "$svcdir/try"
try=${try//\/var\/lib\/prometheus\/node-exporter\/NAME.prom/$svcdir/try/tried.prom}
(PATH="$top:$PATH" sh -c "$try") >"$scratch/try.out" 2>&1
check "...which checks the conf as its service would run it: exit 0" test $? -eq 0
check "...says the output can be written" \
    grep -q "check: $svcdir/try/tried.prom can be written" "$scratch/try.out"
check "...and writes nothing" test ! -e "$svcdir/try/tried.prom"
(PATH="$top:$PATH" sh -c "${try/ --check/}") >"$scratch/try.out" 2>&1
check "...and without --check writes it, with the conf's options" \
    grep -q '^store_rows{path="'"$svcdir"'/srv/store.xml",type="book",app="library"} 4$' \
    "$svcdir/try/tried.prom"

# --- the cron line, run as cron would, is silent on success
line=$(grep -v '^#' examples/xml2prom.cron | grep -E '^[*0-9]' | head -1)
set -f		# the time fields are '*'
set -- $line
set +f
check "cron line: five time fields, root, a command" test "$6" = root
check "cron line: no capability, a time and a memory bound, as the units" \
    test "$7 $8 $9 ${10} ${11} ${12} ${13} ${14} ${15} ${16} ${17}" = \
    "setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- timeout 45 prlimit --as=268435456 -- xml2prom"
command=${line#* * * * * root }
mkdir -p "$scratch/textfile"
command=${command//\/var\/lib\/prometheus\/node-exporter/$scratch/textfile}
command=${command//\/srv\/app\/store.xml/$top/examples/store.xml}
(PATH="$top:$PATH" sh -c "$command") >"$scratch/cron.out" 2>&1
check "cron line: exits 0" test $? -eq 0
check "cron line: the memory bound holds (a run that needs more fails)" \
    sh -c "PATH='$top:\$PATH' sh -c '${command/prlimit --as=268435456/prlimit --as=20000000}' >/dev/null 2>&1; test \$? -ne 0"
check "cron line: prints nothing on success (no mail)" test ! -s "$scratch/cron.out"
check "cron line: writes store.prom" promtool_clean "$scratch/textfile/store.prom"

# --- the man page
check "mandoc -Tlint is clean" sh -c "mandoc -Tlint -W warning man/xml2prom.1"
for opt in $(grep -oE '^ *(-[a-zA-Z], )?--[a-z-]+' <(./xml2prom --help) | grep -oE -- '--[a-z-]+'); do
	check "man page documents $opt" grep -q -- "Fl Fl ${opt#--}" man/xml2prom.1
done
# --- the SYNOPSIS shows every option a user combines (not -h, -V and the like)
mandoc -Tascii man/xml2prom.1 | col -b |
    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' >"$scratch/synopsis"
for opt in --config --rows --type --by --missing --sum --min --max \
    --histogram --buckets --prefix --label --namespace --max-series --mode; do
	check "the SYNOPSIS shows $opt" \
	    grep -qE -- "(-${opt#--}|-[a-z] [a-z]+|\| ${opt#--})" "$scratch/synopsis"
done
check "the man page's quotations render whole (no quote opened inside another)" \
    sh -c "! mandoc -Tascii man/xml2prom.1 | col -b | grep -qE \"'''|\\\`[^']*\\\`[^']*'\""
for status in 0 1 2 3 4; do
	check "man page documents exit status $status" \
	    sh -c "sed -n '/^.Sh EXIT STATUS/,/^.Sh EXAMPLES/p' man/xml2prom.1 | grep -q '^.It $status\$'"
done

# --- the Grafana dashboard
py=/usr/bin/python3
$py - examples/grafana-dashboard.json "$scratch/dash.rules.yml" "$scratch/dash.metrics" <<'PY'
import json, re, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
exprs += [v["definition"] for v in dash["templating"]["list"] if v.get("definition")]
assert dash["title"] and dash["uid"] and dash["panels"], "not a dashboard"
with open(sys.argv[2], "w") as rules:
    rules.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        m = re.match(r"label_values\((.*), *\w+\)$", e)
        e = m.group(1) if m else e
        e = e.replace("$instance", ".*").replace("$path", ".*")
        e = e.replace("${prefix}", "store")
        rules.write("      - record: dashboard:expr%d\n        expr: %s\n" % (i, json.dumps(e)))
names = set(re.findall(r"\b((?:store|junit|node_textfile)_[a-z_]+)\b",
                        " ".join(exprs).replace("${prefix}", "store")))
open(sys.argv[3], "w").write("\n".join(sorted(names)) + "\n")
PY
check "dashboard: valid JSON with panels" test $? -eq 0
check "dashboard: every PromQL expression parses (promtool)" \
    sh -c "promtool check rules '$scratch/dash.rules.yml' >/dev/null"
./xml2prom -o - examples/store.xml >"$scratch/written"
# and the families only a failed store has
./xml2prom -o - examples/store.xml "$scratch/no-such-store.xml" \
    >"$scratch/written-all" 2>/dev/null
# and the value families of an options file, for the histogram panel
./xml2prom -c examples/junit.options -o - examples/junit.xml >"$scratch/written-junit"
check "examples/junit.options reads examples/junit.xml" \
    grep -q '^junit_duration_bucket{' "$scratch/written-junit"
# a large suite: 400 classes of 5 tests, every tenth failed, every tenth skipped
$py - "$scratch/large-junit.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("<testsuites>\n")
    for c in range(400):
        f.write('<testsuite name="C%d" timestamp="2026-11-25T06:00:00">\n' % c)
        for t in range(5):
            n = c * 5 + t
            inner = "<failure/>" if n % 10 == 3 else "<skipped/>" if n % 10 == 7 else ""
            f.write('<testcase classname="pkg.C%d" name="t%d" time="%d.5">%s</testcase>\n'
                    % (c, t, t, inner))
        f.write("</testsuite>\n")
    f.write("</testsuites>\n")
PY
./xml2prom -c examples/junit.options -o - "$scratch/large-junit.xml" >"$scratch/large.prom"
check "examples/junit.options: a report of 400 classes fits the default --max-series" \
    test $? -eq 0
check "...the skipped tests (200) are no durations" \
    grep -qx 'junit_skipped_values{path="'"$scratch"'/large-junit.xml",family="duration"} 200' "$scratch/large.prom"
check "...the others (1800) are" \
    grep -qx 'junit_duration_count{path="'"$scratch"'/large-junit.xml"} 1800' "$scratch/large.prom"
# (--check fails a set that matches no row: give it a benchmark of one rule)
printf '%s\n' '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2"><Group id="a"><Group id="b"><Rule id="r" severity="low"/></Group></Group></Benchmark>' >"$scratch/xccdf.xml"
check "examples/xccdf.options is a valid options file" \
    sh -c "./xml2prom -c examples/xccdf.options --check -o '$scratch/x.prom' '$scratch/xccdf.xml' >/dev/null"
# What node_exporter itself serves for a textfile directory holding them.
mkdir -p "$scratch/ne-dir"
cp "$scratch/written-all" "$scratch/ne-dir/store.prom"
ne_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$scratch/ne-dir" >"$scratch/ne.log" 2>&1 &
ne_pid=$!
stop_ne() { kill "$ne_pid" 2>/dev/null; wait "$ne_pid" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks stop_ne"
wait_for 20 curl -sf "http://127.0.0.1:$ne_port/metrics"
curl -sf "http://127.0.0.1:$ne_port/metrics" >"$scratch/ne-served"
check "node_exporter serves the textfile directory" \
    grep -q '^node_textfile_scrape_error 0$' "$scratch/ne-served"
stop_ne
for name in $(cat "$scratch/dash.metrics"); do
	case $name in
	node_textfile_*) check "dashboard: $name is served by node_exporter" \
	    grep -q "^$name[{ ]" "$scratch/ne-served" ;;
	*) check "dashboard: $name is written by xml2prom" \
	    sh -c "cat '$scratch/written-all' '$scratch/written-junit' | grep -q '^$name{'" ;;
	esac
done
check "dashboard: every family xml2prom writes is on it" \
    sh -c "for f in \$(grep '^# TYPE' '$scratch/written-all' | cut -d' ' -f3); do
        grep -qx \"\$f\" '$scratch/dash.metrics' || { echo missing \$f; exit 1; }; done"

# --- README snippets: each block marked <!-- from: X --> is in X
$py - README.md "$scratch/help" <<'PY' >"$scratch/snippets"
import re, sys
text = open(sys.argv[1]).read()
for src, block in re.findall(r"<!-- from: (.+?) -->\n```\n(.*?)```\n", text, re.S):
    print("%s\t%s" % (src, block.replace("\n", "\\n")))
PY
./xml2prom --help >"$scratch/help"
check "README: snippets found" test "$(wc -l <"$scratch/snippets")" -ge 5
while IFS=$'\t' read -r src block; do
	[ "$src" = "xml2prom --help" ] && src="$scratch/help"
	printf '%b' "$block" >"$scratch/block"
	check "README: the snippet from $(basename "$src") is in it" \
	    sh -c "while IFS= read -r l; do grep -qF -- \"\$l\" '$src' || { echo \"not in $src: \$l\"; exit 1; }; done <'$scratch/block'"
done <"$scratch/snippets"
# --- the README's list of sources is src/, each as its header says
check "README: the list of sources is src/, each as its header's first sentence says" \
    tests/sourcemap.py
# --- the sources within the house limits: files to 700 lines, functions
# to 60; and the guard itself fails past them
if tests/deps.sh --check universal-ctags; then
	check "no file in src/ over 700 lines, no function over 60" \
	    sh -c "tests/sizes.sh >'$scratch/sizes.out'" || cat "$scratch/sizes.out"
	sed -n 's/^# /# sizes: /p' "$scratch/sizes.out"
	mkdir -p "$scratch/sizes"
	awk 'BEGIN { print "int a(void);"; for (i = 2; i <= 700; i++) print "" }' \
	    >"$scratch/sizes/700.c"
	{ cat "$scratch/sizes/700.c"; echo; } >"$scratch/sizes/701.c"
	for n in 60 61; do	# from its name's line to its closing brace
		awk -v n=$n 'BEGIN { print "int\nf(void)\n{"
		    for (i = 4; i < n; i++) print "\t;"; print "\treturn 0;\n}" }' \
		    >"$scratch/sizes/fn$n.c"
	done
	check "sizes.sh takes a 700-line file and a 60-line function" \
	    sh -c "tests/sizes.sh '$scratch/sizes/700.c' '$scratch/sizes/fn60.c' >/dev/null"
	mkdir -p "$scratch/sizes/tree/src/sub"
	cp "$scratch/sizes/701.c" "$scratch/sizes/tree/src/sub/added.c"
	check "sizes.sh refuses a 701-line file added under src/" \
	    sh -c "cd '$scratch/sizes/tree' && ! '$top/tests/sizes.sh' >/dev/null"
	check "sizes.sh refuses a 61-line function" \
	    sh -c "! tests/sizes.sh '$scratch/sizes/fn61.c' >/dev/null"
else
	skip "universal-ctags: the sources' sizes"
fi
check "examples/store.prom is what xml2prom writes for examples/store.xml" \
    bash -c "diff -u <(grep -vE '_(last_success_timestamp_seconds|read_duration_seconds|file_modified_timestamp_seconds)\{' examples/store.prom) \
        <(grep -vE '_(last_success_timestamp_seconds|read_duration_seconds|file_modified_timestamp_seconds)\{' '$scratch/written')"
check "examples/store.prom passes promtool" promtool_clean examples/store.prom

finish kit
