#!/bin/bash
# resident.sh: xml2prom staying resident (--every, --watch), as a container
# runs it: each run a one-shot run, a store's change seen within a second,
# an unchanged store not read again, signals, and nothing that grows.
. "$(dirname "$0")/lib.sh"

store="$top/examples/store.xml"
pids=""
stop_all() { for p in $pids; do kill -KILL "$p" 2>/dev/null; done; }
cleanup_hooks="$cleanup_hooks stop_all"

# start LOG ARGS...: xml2prom in the background; its pid in $pid.
start() {
	_log=$1
	shift
	"$@" 2>"$_log" &
	pid=$!
	pids="$pids $pid"
}
writes() { grep -c '^xml2prom: wrote ' "$1" 2>/dev/null; }
# at_least LOG N: the log says N runs wrote.
at_least() { [ "$(writes "$1")" -ge "$2" ]; }
value() { sed -n "s/^$1[{ ].* \([^ ]*\)\$/\1/p" "$2" | head -n 1; }
# stopped PID: ends with 0 within a second of SIGTERM (or the signal $2).
stopped() {
	kill "-${2:-TERM}" "$1"
	_t0=$(date +%s%N)
	wait "$1"
	_rc=$?
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	echo "# stopped by SIG${2:-TERM} in $_ms ms, status $_rc"
	[ $_rc -eq 0 ] && [ $_ms -lt 1000 ]
}
no_temp() { [ -z "$(find "$1" -name '.*.prom.??????')" ]; }

# --- what the command line refuses
usage() { "$XML2PROM" "$@" "$store" >/dev/null 2>"$scratch/err"; [ $? -eq 2 ]; }
check "--every 0 is refused" usage --every 0 -o "$scratch/x.prom"
check "--every 10 parsecs is refused" usage --every 10pc -o "$scratch/x.prom"
check "--every past a day is refused" usage --every 25h -o "$scratch/x.prom"
check "--every to standard output is refused" usage --every 1s -o -
check "...saying to give a file" grep -q -- '--every writes a file again and again' "$scratch/err"
check "--watch with --dump is refused" usage --watch --dump -o "$scratch/x.prom"
check "--every with --check is refused" usage --every 1s --check -o "$scratch/x.prom"
"$XML2PROM" --every 1s -o "$scratch/x.prom" - <"$store" 2>"$scratch/err"
check "--every on standard input is refused" test $? -eq 2

# --- a period: every run written, the same bytes a one-shot run writes
mkdir -p "$scratch/p"
cp "$store" "$scratch/p/store.xml"
start "$scratch/p/log" "$XML2PROM" -v --every 100ms -o "$scratch/p/out.prom" "$scratch/p/store.xml"
check "--every 100ms: five runs within 2 s" wait_for 2 at_least "$scratch/p/log" 5
"$XML2PROM" -o - "$scratch/p/store.xml" | normalize >"$scratch/p/once"
normalize <"$scratch/p/out.prom" >"$scratch/p/resident"
check "...each writes what a one-shot run writes" cmp "$scratch/p/once" "$scratch/p/resident"
check "SIGTERM between runs: status 0 within a second" stopped "$pid"
check "...the last file whole" grep -q '^store_read_success{path=.*} 1$' "$scratch/p/out.prom"
check "...no temp file left" no_temp "$scratch/p"

# --- an unchanged store is not read again, and its time stays fresh
mkdir -p "$scratch/u"
cp "$store" "$scratch/u/store.xml"
touch -d '-1 hour' "$scratch/u/store.xml"
sleep 2.5	# its change time (now) settled: see RUN_SETTLED_SECONDS
start "$scratch/u/log" "$XML2PROM" -v --every 300ms -o "$scratch/u/out.prom" "$scratch/u/store.xml"
wait_for 3 at_least "$scratch/u/log" 1
cp "$scratch/u/out.prom" "$scratch/u/first"
check "an unchanged store: the next runs do not read it again" \
    wait_for 3 grep -q 'store.xml: unchanged since its last read' "$scratch/u/log"
wait_for 3 at_least "$scratch/u/log" 3
check "...its last success time is fresh" test "$(value store_last_success_timestamp_seconds "$scratch/u/out.prom")" != \
    "$(value store_last_success_timestamp_seconds "$scratch/u/first")"
check "...the read's duration is the last read's" test "$(value store_read_duration_seconds "$scratch/u/out.prom")" = \
    "$(value store_read_duration_seconds "$scratch/u/first")"
normalize <"$scratch/u/first" >"$scratch/u/a"
normalize <"$scratch/u/out.prom" >"$scratch/u/b"
check "...the rest is the same bytes" cmp "$scratch/u/a" "$scratch/u/b"
# The same size, in place, a second later: the change time says so.
n=$(writes "$scratch/u/log")
sed 's/type="book"/type="bool"/' "$scratch/u/store.xml" >"$scratch/u/new"
cat "$scratch/u/new" >"$scratch/u/store.xml"	# the same inode
check "a store changed in place (same size) is read again" \
    wait_for 3 at_least "$scratch/u/log" $((n + 2))
check "...its new counts written" grep -q 'type="bool"' "$scratch/u/out.prom"
# Gone, then back: the run fails as a one-shot run does, the next recovers.
mv "$scratch/u/store.xml" "$scratch/u/away"
n=$(writes "$scratch/u/log")
wait_for 3 at_least "$scratch/u/log" $((n + 1))
check "a store gone: read_failure{reason=\"missing\"}" \
    grep -q '^store_read_failure{path=.*,reason="missing"} 1$' "$scratch/u/out.prom"
check "...said on stderr like a one-shot run" grep -q 'store.xml: No such file or directory' "$scratch/u/log"
mv "$scratch/u/away" "$scratch/u/store.xml"
n=$(writes "$scratch/u/log")
wait_for 3 at_least "$scratch/u/log" $((n + 1))
check "...back: the next run reads it" grep -q '^store_read_success{path=.*} 1$' "$scratch/u/out.prom"
check "SIGINT: status 0 within a second" stopped "$pid" INT

# --- a writer through a shared writable mmap: size and times stay as they
# were (on tmpfs always; elsewhere once its pages are dirty), so the reuse
# is bounded by --reread-after
mm=$(mktemp -d /dev/shm/xml2prom-test.XXXXXX)
rm_mm() { rm -rf "$mm"; }
cleanup_hooks="$cleanup_hooks rm_mm"
mmap_write() {	# FILE: type="book" becomes type="bool", in place, by mmap
	python3 - "$1" <<'PY'
import mmap, sys
with open(sys.argv[1], "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    i = m.find(b'type="book"')
    m[i:i + 11] = b'type="bool"'
    m.flush()
    m.close()
PY
}
stat_of() { stat -c '%d %i %s %y %z' "$1"; }
for f in a b z; do cp "$store" "$mm/$f.xml"; touch -d '-1 hour' "$mm/$f.xml"; done
sleep 2.5	# change times settled
start "$mm/log" "$XML2PROM" -v --every 200ms --reread-after 3s -o "$mm/a.prom" "$mm/a.xml"
wait_for 5 grep -q 'a.xml: unchanged since its last read' "$mm/log"
before=$(stat_of "$mm/a.xml")
t0=$(date +%s%N)
mmap_write "$mm/a.xml"
check "a write through a shared mmap leaves size and times as they were" \
    test "$before" = "$(stat_of "$mm/a.xml")"
check "...--reread-after 3s: the new counts written within 3 s of the last read" \
    wait_for 8 grep -q 'type="bool"' "$mm/a.prom"
delay=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# --reread-after 3s: a write through mmap seen after $delay ms"
check "...and not at once: unchanged reads reused till then" test "$delay" -ge 1000
check "...the new read is a success" grep -q '^store_read_success{path=.*} 1$' "$mm/a.prom"
stopped "$pid" >/dev/null
start "$mm/logz" "$XML2PROM" -v --every 200ms --reread-after 0 -o "$mm/z.prom" "$mm/z.xml"
wait_for 5 at_least "$mm/logz" 6
check "--reread-after 0: an unchanged store read at every run" \
    sh -c "at=\$(grep -c '^xml2prom: wrote ' '$mm/logz'); [ \$at -ge 6 ] && ! grep -q 'not read again' '$mm/logz'"
stopped "$pid" >/dev/null
faketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ -e "$faketime" ]; then
	echo "+0" >"$mm/clock"
	start "$mm/logb" env LD_PRELOAD="$faketime" FAKETIME_TIMESTAMP_FILE="$mm/clock" \
	    FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1 \
	    "$XML2PROM" -v --every 200ms -o "$mm/b.prom" "$mm/b.xml"
	wait_for 5 grep -q 'b.xml: unchanged since its last read' "$mm/logb"
	mmap_write "$mm/b.xml"
	sleep 1.5
	check "the default --reread-after (5m): the kept read still written after the mmap write" \
	    sh -c "grep -q 'type=\"book\"' '$mm/b.prom' && ! grep -q 'type=\"bool\"' '$mm/b.prom'"
	echo "+301" >"$mm/clock"
	check "...5 minutes after the read: read again, the new counts written" \
	    wait_for 3 grep -q 'type="bool"' "$mm/b.prom"
	stopped "$pid" >/dev/null
else
	skip "the default --reread-after: needs libfaketime (package faketime)"
fi

# --- --settle: a store written in place (nmap -oX) is not read half-written
mkdir -p "$scratch/s"
cp "$store" "$scratch/s/store.xml"	# modified now
"$XML2PROM" -o "$scratch/s/once.prom" "$store"
cp "$scratch/s/once.prom" "$scratch/s/once.before"
"$XML2PROM" -v --settle 5s -o "$scratch/s/once.prom" "$scratch/s/store.xml" 2>"$scratch/s/once.err"
check "--settle, a one-shot run of a store modified within it: status 0" test $? -eq 0
check "...the previous output kept" cmp "$scratch/s/once.before" "$scratch/s/once.prom"
check "...said under -v" grep -q 'store.xml: modified [0-9]* ms ago, within --settle 5000ms: not read yet' "$scratch/s/once.err"
# write_in_place FILE MARK: truncated (then MARK made), then written in
# six pieces 0.3 s apart
write_in_place() {
	python3 - "$1" "$store" "$2" <<'PY'
import sys, time
text = open(sys.argv[2], "rb").read().replace(b'type="book"', b'type="bookZ"')
with open(sys.argv[1], "r+b") as f:
    f.truncate(0)
    open(sys.argv[3], "w").close()	# the write has begun
    step = len(text) // 6 + 1
    for i in range(0, len(text), step):
        f.write(text[i:i + step])
        f.flush()
        time.sleep(0.3)
PY
}
# watch_failures PROM LOG: every 50 ms, any failure or success line, till killed
sample_out() { while :; do grep -h -e '_read_failure{.*} 1$' -e '_last_success' "$1" 2>/dev/null; sleep 0.05; done >"$2"; }
for mode in plain settle; do
	rm -f "$scratch/s"/*.prom	# another's series of the same store
	[ $mode = settle ] && opt="--settle 2s" || opt=""
	start "$scratch/s/$mode.log" "$XML2PROM" -v --every 100ms $opt -o "$scratch/s/$mode.prom" "$scratch/s/store.xml"
	wait_for 5 grep -q '^store_read_success{.*} 1$' "$scratch/s/$mode.prom"
	sample_out "$scratch/s/$mode.prom" "$scratch/s/$mode.seen" &
	sampler=$!
	pids="$pids $sampler"
	write_in_place "$scratch/s/store.xml" "$scratch/s/begun"
	wait_for 6 grep -q 'type="bookZ"' "$scratch/s/$mode.prom"
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	stopped "$pid" >/dev/null
done
check "a store written in place, without --settle: read_failure{reason=\"parse\"} while written" \
    grep -q 'reason="parse"' "$scratch/s/plain.seen"
check "...with --settle 2s: no failure while written" sh -c "! grep -q '_read_failure' '$scratch/s/settle.seen'"
# The longest run of samples (50 ms apart) with one last success time:
# runs every 100 ms refresh it, unless they keep the last read's.
longest_held() {
	awk '/^[a-z_]*_last_success_timestamp_seconds[{]/ { n = ($NF == last) ? n + 1 : 1; last = $NF; if (n > max) max = n } END { print max + 0 }' "$1"
}
held=$(longest_held "$scratch/s/settle.seen")
echo "# while written in place: one last success time for $held samples (50 ms apart) in a row under --settle"
check "...while written: the last success time not refreshed (the kept read's)" test "$held" -ge 6
check "...then its new counts written" grep -q 'type="bookZ"' "$scratch/s/settle.prom"
check "...said under -v" grep -q 'within --settle 2000ms: not read yet, its last read.s counts kept' "$scratch/s/settle.log"
# Held back at start with nothing kept: read once it settles, unasked.
touch "$scratch/s/store.xml"
rm -f "$scratch/s"/*.prom
start "$scratch/s/late.log" "$XML2PROM" -v --watch --every 1h --settle 1s -o "$scratch/s/late.prom" "$scratch/s/store.xml"
sleep 0.5
check "--settle at start, a store just modified: nothing written yet" test ! -e "$scratch/s/late.prom"
check "...written once it has settled" wait_for 3 test -e "$scratch/s/late.prom"
stopped "$pid" >/dev/null

# --- --watch: a store replaced by rename, seen within a second
mkdir -p "$scratch/w"
cp "$store" "$scratch/w/store.xml"
start "$scratch/w/log" "$XML2PROM" -v --watch --every 1h -o "$scratch/w/out.prom" "$scratch/w/store.xml"
wait_for 3 at_least "$scratch/w/log" 1
sed 's/type="book"/type="bookX"/' "$store" >"$scratch/w/.new"
t0=$(date +%s%N)
mv "$scratch/w/.new" "$scratch/w/store.xml"
wait_for 3 grep -q 'type="bookX"' "$scratch/w/out.prom"
t1=$(stat -c %.9Y "$scratch/w/out.prom" | tr -d .)
delay=$(( (t1 - t0) / 1000000 ))
echo "# --watch: store replaced by rename, new metrics written after $delay ms"
check "--watch: a store replaced by rename is seen within a second" \
    test "$delay" -ge 0 -a "$delay" -lt 1000
# A burst of changes (an application writing its store in steps): one run.
# (The rename's run said "wrote" first: its output is renamed into place
# before the directory's fsync, which a busy disk makes slow.)
wait_for 3 at_least "$scratch/w/log" 2
n=$(writes "$scratch/w/log")
for i in 1 2 3 4 5; do touch "$scratch/w/store.xml"; sleep 0.05; done
sleep 1.2
check "...five changes 50 ms apart make one run (debounced)" \
    test "$(writes "$scratch/w/log")" -eq $((n + 1))
touch "$scratch/w/other.xml"
n=$(writes "$scratch/w/log")
sleep 1
check "...a change to another file of the directory, none" \
    test "$(writes "$scratch/w/log")" -eq "$n"

# A change does not move the period: started at 0, a change at 0.5 s run
# at once, the period's run still at 2 s (not at 2.5 or 4).
kill "$pid"; wait "$pid"
start "$scratch/w/log3" "$XML2PROM" -v --watch --every 2s -o "$scratch/w/out.prom" "$scratch/w/store.xml"
t0=$(date +%s%N)
sleep 0.5
touch "$scratch/w/store.xml"
wait_for 3 at_least "$scratch/w/log3" 2
sleep $(awk -v t0="$t0" -v now="$(date +%s%N)" 'BEGIN { printf "%.3f", 3 - (now - t0) / 1e9 }')
check "...a change between two periods does not move the next period's run" \
    at_least "$scratch/w/log3" 3

# --- the store's directory moved away and made again: one watch, followed
# watches PID: the inotify watches PID holds
watches() {
	for _f in /proc/$1/fd/*; do
		[ "$(readlink "$_f")" = anon_inode:inotify ] &&
		    grep -c '^inotify' "/proc/$1/fdinfo/${_f##*/}"
	done
}
kill "$pid"; wait "$pid"
mkdir -p "$scratch/r/d"
cp "$store" "$scratch/r/d/store.xml"
start "$scratch/r/log" "$XML2PROM" -v --watch --every 50ms -o "$scratch/r/out.prom" "$scratch/r/d/store.xml"
wait_for 3 at_least "$scratch/r/log" 1
for i in $(seq 60); do
	mv "$scratch/r/d" "$scratch/r/d.$i"
	mkdir "$scratch/r/d"
	cp "$store" "$scratch/r/d/store.xml"
	sleep 0.08
done
sleep 0.5
n=$(watches "$pid")
echo "# the store's directory renamed 60 times: $n inotify watch(es)"
check "the store's directory renamed 60 times: one inotify watch, not one per directory" test "$n" = 1
stopped "$pid" >/dev/null
rm -rf "$scratch"/r/d.*
start "$scratch/r/log2" "$XML2PROM" -v --watch --every 1h -o "$scratch/r/out.prom" "$scratch/r/d/store.xml"
wait_for 3 at_least "$scratch/r/log2" 1
mv "$scratch/r/d" "$scratch/r/d.old"
mkdir "$scratch/r/d"
cp "$store" "$scratch/r/d/store.xml"
sleep 1.5
sed 's/type="book"/type="bookY"/' "$store" >"$scratch/r/d/.new"
mv "$scratch/r/d/.new" "$scratch/r/d/store.xml"
check "...a directory moved away and made again is followed: a store renamed into it seen within a second" \
    wait_for 2 grep -q 'type="bookY"' "$scratch/r/out.prom"
check "...one watch" test "$(watches "$pid")" = 1
check "...the moved directory's watch removed: a change there is not a change" \
    sh -c "n=\$(grep -c '^xml2prom: wrote ' '$scratch/r/log2'); touch '$scratch/r/d.old/store.xml'; sleep 1.2; [ \$(grep -c '^xml2prom: wrote ' '$scratch/r/log2') -eq \$n ]"
stopped "$pid" >/dev/null
# A glob's directory (storelist.h): moved and made again 30 times, files
# coming and going in it, still one watch.
rm -rf "$scratch"/r/d.old "$scratch/r/out.prom"
start "$scratch/r/log3" "$XML2PROM" -v --watch --every 50ms -o "$scratch/r/out.prom" "$scratch/r/d/*.xml"
wait_for 3 at_least "$scratch/r/log3" 1
for i in $(seq 30); do
	mv "$scratch/r/d" "$scratch/r/d.$i"
	mkdir "$scratch/r/d"
	cp "$store" "$scratch/r/d/s$i.xml"
	cp "$store" "$scratch/r/d/t$i.xml"
	rm "$scratch/r/d/t$i.xml"
	sleep 0.08
done
sleep 0.5
check "a glob's directory renamed 30 times, files made and removed in it: one inotify watch" \
    test "$(watches "$pid")" = 1
stopped "$pid" >/dev/null
rm -rf "$scratch"/r/d.*

# --- storms: a store that never stops changing, and other files that do
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
mkdir -p "$scratch/storm"
"$top/build/genstore" 20000 >"$scratch/storm/store.xml"
start "$scratch/storm/log" "$XML2PROM" -v --watch --every 1m -o "$scratch/storm/out.prom" "$scratch/storm/store.xml"
wait_for 5 at_least "$scratch/storm/log" 1
n=$(writes "$scratch/storm/log")
c0=$(cpu_ticks "$pid")
end=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt "$end" ]; do touch "$scratch/storm/store.xml"; sleep 0.1; done
runs=$(( $(writes "$scratch/storm/log") - n ))
echo "# a 5 MB store touched every 0.1 s for 20 s: $runs reads, $(( $(cpu_ticks "$pid") - c0 )) ticks of CPU"
check "a store touched every 0.1 s for 20 s: backs off (1 s, 2 s, 4 s...): at most 8 reads" test "$runs" -le 8
check "...but reads it: at least 3" test "$runs" -ge 3
stopped "$pid" >/dev/null
# Quiet for the longest gap (the period, here 2 s): prompt again.
start "$scratch/storm/log2" "$XML2PROM" -v --watch --every 2s -o "$scratch/storm/out.prom" "$scratch/storm/store.xml"
wait_for 5 at_least "$scratch/storm/log2" 1
end=$(( $(date +%s) + 6 ))
while [ "$(date +%s)" -lt "$end" ]; do touch "$scratch/storm/store.xml"; sleep 0.1; done
sleep 2.5
sed 's/type="[a-z]*"/type="calm"/' "$store" >"$scratch/storm/.new"
mv "$scratch/storm/.new" "$scratch/storm/store.xml"
check "...after the storm, quiet for the period: a change seen within a second again" \
    wait_for 1 grep -q 'type="calm"' "$scratch/storm/out.prom"
stopped "$pid" >/dev/null
# Events on other names of the directory: read ten times a second at most.
cp "$store" "$scratch/storm/store.xml"
start "$scratch/storm/log3" "$XML2PROM" -v --watch --every 1m -o "$scratch/storm/out.prom" "$scratch/storm/store.xml"
wait_for 5 at_least "$scratch/storm/log3" 1
sleep 1.2
n=$(writes "$scratch/storm/log3")
c0=$(cpu_ticks "$pid")
python3 - "$scratch/storm/other.xml" <<'PY'
import os, sys, time
end = time.time() + 10
while time.time() < end:
    open(sys.argv[1], "w").close()	# IN_CLOSE_WRITE
    os.utime(sys.argv[1])		# IN_ATTRIB
PY
ticks=$(( $(cpu_ticks "$pid") - c0 ))
echo "# another file of the directory written and touched for 10 s: $ticks ticks of CPU, $(( $(writes "$scratch/storm/log3") - n )) runs"
check "events on another name for 10 s: at most 0.3 s of CPU" test "$ticks" -le 30
check "...and no run" test "$(writes "$scratch/storm/log3")" -eq "$n"
stopped "$pid" >/dev/null

# --- SIGHUP rereads the --config file; a bad one is not taken
printf 'every 1h\nwatch\nprefix shelf\n' >"$scratch/w/conf"
start "$scratch/w/log2" "$XML2PROM" -v -c "$scratch/w/conf" -o "$scratch/w/out.prom" "$scratch/w/store.xml"
wait_for 3 at_least "$scratch/w/log2" 1
printf 'every 1h\nwatch\nprefix depot\n' >"$scratch/w/conf"
kill -HUP "$pid"
check "SIGHUP: the --config file reread, its prefix written at once" \
    wait_for 3 grep -q '^depot_total_rows' "$scratch/w/out.prom"
printf 'every 1h\nwatch\nprefix 9lives\n' >"$scratch/w/conf"
kill -HUP "$pid"
check "SIGHUP with a bad file: says why" \
    wait_for 3 grep -q "prefix '9lives': not a valid metric name" "$scratch/w/log2"
check "...and keeps the running configuration" \
    grep -q 'SIGHUP: the options above are not taken; still running with the previous ones' "$scratch/w/log2"
n=$(writes "$scratch/w/log2")
touch "$scratch/w/store.xml"
wait_for 3 at_least "$scratch/w/log2" $((n + 1))
check "...which goes on writing" grep -q '^depot_total_rows' "$scratch/w/out.prom"
check "...still alive" kill -0 "$pid"
check "SIGTERM: status 0" stopped "$pid"

# --- SIGTERM in a long read: abandoned at once, the last file as it was
mkdir -p "$scratch/big"
"$top/build/genstore" 1500000 >"$scratch/big/store.xml"
"$XML2PROM" -o "$scratch/big/out.prom" "$scratch/big/store.xml"
cp "$scratch/big/out.prom" "$scratch/big/before"
start "$scratch/big/log" "$XML2PROM" --every 1h -o "$scratch/big/out.prom" "$scratch/big/store.xml"
wait_open "$pid" "$scratch/big/store.xml"
sleep 0.3
check "SIGTERM in the read of a 360 MB store: status 0 within a second" stopped "$pid"
check "...the last file untouched" cmp "$scratch/big/before" "$scratch/big/out.prom"
check "...no temp file left" no_temp "$scratch/big"
rm -f "$scratch/big/store.xml"

# --- a textfile directory briefly unwritable, as node_exporter's user
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$scratch/t/tf"
	cp "$store" "$scratch/t/store.xml"
	chmod 0755 "$scratch" "$scratch/t"
	chown nobody "$scratch/t/tf"
	start "$scratch/t/log" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$XML2PROM" -v --every 200ms -d "$scratch/t/tf" "$scratch/t/store.xml"
	wait_for 3 at_least "$scratch/t/log" 1
	chown root "$scratch/t/tf"
	check "an unwritable textfile directory: each run says so, as a one-shot run" \
	    wait_for 3 grep -q 'not writable by user nobody' "$scratch/t/log"
	chown nobody "$scratch/t/tf"
	n=$(writes "$scratch/t/log")
	check "...writable again: the next run writes" wait_for 3 at_least "$scratch/t/log" $((n + 1))
	check "...still running" kill -0 "$pid"
	check "...stopped with status 0" stopped "$pid"
	# Where inotify cannot watch, the period; said under -v.
	chmod 0711 "$scratch/t"
	rm -f "$scratch/t/tf/store.prom"	# the -d run's, of the same store
	start "$scratch/t/log2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$XML2PROM" -v --watch --every 200ms -o "$scratch/t/tf/x.prom" "$scratch/t/store.xml"
	check "--watch on a directory it cannot watch: falls back to the period, said under -v" \
	    wait_for 3 grep -q -- "--watch: $scratch/t: Permission denied: a change is seen at the next period (--every 200ms) only" "$scratch/t/log2"
	check "...and runs on the period" wait_for 3 at_least "$scratch/t/log2" 3 ||
	    tail -n 5 "$scratch/t/log2"
	stopped "$pid" >/dev/null
	chmod 0755 "$scratch/t"
else
	skip "an unwritable textfile directory: needs root to switch to nobody"
fi

# --- a clock that jumps: runs keep their period, times follow the clock
faketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ -e "$faketime" ]; then
	mkdir -p "$scratch/c"
	cp "$store" "$scratch/c/store.xml"
	echo "+0" >"$scratch/c/clock"
	start "$scratch/c/log" env LD_PRELOAD="$faketime" FAKETIME_TIMESTAMP_FILE="$scratch/c/clock" \
	    FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1 \
	    "$XML2PROM" -v --every 200ms -o "$scratch/c/out.prom" "$scratch/c/store.xml"
	wait_for 3 at_least "$scratch/c/log" 2
	# set_clock OFFSET WHAT: the runs in the second after the jump
	set_clock() {
		echo "$1" >"$scratch/c/clock"
		n=$(writes "$scratch/c/log")
		sleep 1
		runs=$(( $(writes "$scratch/c/log") - n ))
		echo "# clock set $2: $runs runs in the next second"
		check "a clock set $2: runs go on at the period, no burst (3 to 6 a second)" \
		    test $runs -ge 3 -a $runs -le 6
	}
	now=$(date +%s)
	set_clock -1d "back a day"
	t=$(value store_last_success_timestamp_seconds "$scratch/c/out.prom")
	check "...and the last success time follows the clock" \
	    test "${t%.*}" -lt $((now - 80000))
	set_clock +7d "forward a week"
	check "...every run read the store" \
	    sh -c "! grep -q 'read_success{.*} 0' '$scratch/c/out.prom'"
	stopped "$pid" >/dev/null
else
	skip "a clock that jumps: needs libfaketime (package faketime)"
fi

# --- nothing grows: memory and descriptors after 10 000 runs
# Measured without glibc's per-thread caches of freed blocks (tcache: up
# to 7 blocks of each size, kept as they come, a few kB at most), which
# would hide or fake a few bytes a run: so any byte xml2prom itself keeps
# shows.  The figure with the default allocator is printed beside it.
mkdir -p "$scratch/m"
cp "$store" "$scratch/m/store.xml"
shm=$(mktemp -d /dev/shm/xml2prom-test.XXXXXX)
rm_shm() { rm -rf "$shm"; }
cleanup_hooks="$cleanup_hooks rm_shm"
# The least of 30 samples 3 ms apart: between runs, not inside one.
least() { sort -n | head -n 1; }
sample() {
	for _i in $(seq 30); do
		awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" >>"$scratch/m/anon"
		ls "/proc/$pid/fd" | wc -l >>"$scratch/m/fds"
		sleep 0.003
	done
	echo "$(least <"$scratch/m/anon") kB anonymous, $(least <"$scratch/m/fds") fds"
	rm -f "$scratch/m/anon" "$scratch/m/fds"
}
memory_after() {	# LABEL ENV...: runs, samples at 10 and 10 000
	_label=$1
	shift
	rm -f "$shm"/*.prom
	# The store changes now and then: runs that read it and runs that do not.
	( while :; do touch "$scratch/m/store.xml"; sleep 2.5; done ) &
	toucher=$!
	pids="$pids $toucher"
	start "$scratch/m/log" env "$@" "$XML2PROM" -v --every 1ms -o "$shm/out.prom" "$scratch/m/store.xml"
	wait_for 60 at_least "$scratch/m/log" 10
	at10=$(sample)
	wait_for 120 at_least "$scratch/m/log" 10000
	at10000=$(sample)
	total=$(writes "$scratch/m/log")
	reused=$(grep -c 'not read again' "$scratch/m/log")
	echo "# $_label: after 10 runs $at10; after 10 000 $at10000 ($total runs: $((total - reused)) read the store, $reused did not)"
	kill "$toucher"
	stopped "$pid" >/dev/null
}
memory_after "without tcache" GLIBC_TUNABLES=glibc.malloc.tcache_count=0
check "memory and descriptors after 10 000 runs equal those after 10" \
    test "$at10" = "$at10000"
check "...some runs reading the store, some not" test "$reused" -gt 0 -a $((total - reused)) -gt 10
memory_after "default allocator" XML2PROM_DEFAULT_MALLOC=1
# --- valgrind over 100 runs, reading and reusing, then SIGTERM
if command -v valgrind >/dev/null; then
	start "$scratch/m/vlog" valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	    "$XML2PROM" -v --every 20ms -o "$shm/out.prom" "$scratch/m/store.xml"
	( sleep 1; touch "$scratch/m/store.xml" ) &
	check "valgrind: 100 runs" wait_for 120 at_least "$scratch/m/vlog" 100 ||
	    tail -n 5 "$scratch/m/vlog"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	check "...clean (no error, no leak), status 0 after SIGTERM" test $rc -eq 0 ||
	    grep -v '^xml2prom: ' "$scratch/m/vlog" | head -n 30
else
	skip "valgrind over 100 runs: valgrind missing"
fi

finish resident
