#!/bin/bash
# textfile.sh: how the output file is named, written, locked and carried
# over from run to run, and what is left behind (nothing but the lock).
. "$(dirname "$0")/lib.sh"

store="$top/examples/store.xml"
out="$scratch/out"
mkdir -p "$out"

value_of() {	# value_of FILE SERIES-PREFIX: the value of the first match
	awk -v k="$2" 'index($0, k) == 1 { print $NF; exit }' "$1"
}

only_lock_left() {	# nothing but the .prom files and their locks
	[ -z "$(find "$out" -mindepth 1 ! -name '*.prom' ! -name '.*.prom.lock')" ]
}

# --- naming, mode, cleanliness
cp "$store" "$scratch/inventory.xml.gz.tmp"
gzip -c "$store" >"$scratch/inventory.xml.gz"
(umask 077 && "$XML2PROM" -d "$out" "$scratch/inventory.xml.gz")
check "-d names the file after the first FILE, less .xml.gz" test -f "$out/inventory.prom"
check "mode 0644 whatever the umask" test "$(stat -c %a "$out/inventory.prom")" = 644
check "the output passes promtool" promtool_clean "$out/inventory.prom"
check "a success leaves no temp file" only_lock_left
check "the lock file sits beside the output" test -f "$out/.inventory.prom.lock"
"$XML2PROM" -d "$out" --mode=0600 "$scratch/inventory.xml.gz"
check "--mode sets the mode" test "$(stat -c %a "$out/inventory.prom")" = 600
rm -f "$out"/*

# --- temp files of a killed run are removed; other files are not
"$XML2PROM" -o "$out/store.prom" "$store"
touch "$out/.store.prom.AbC123" "$out/.store.prom.zz9ZZ9" "$out/.other.prom.AbC123" \
    "$out/store.prom.bak" "$out/.store.prom.AbC12"
"$XML2PROM" -o "$out/store.prom" "$store"
check "stale temp files of this output removed" \
    test ! -e "$out/.store.prom.AbC123" -a ! -e "$out/.store.prom.zz9ZZ9"
check "other outputs' temp files and other files kept" \
    test -e "$out/.other.prom.AbC123" -a -e "$out/store.prom.bak" -a -e "$out/.store.prom.AbC12"
rm -f "$out"/.other.prom.AbC123 "$out"/store.prom.bak "$out"/.store.prom.AbC12

# --- a held lock: exit 4 at once, nothing read, nothing written
cp "$out/store.prom" "$scratch/before"
flock "$out/.store.prom.lock" sleep 10 &
holder=$!
wait_for 5 sh -c "! flock -n '$out/.store.prom.lock' true"
"$XML2PROM" -o "$out/store.prom" "$scratch/no-such-store.xml" 2>"$scratch/err"
status=$?
pkill -P $holder 2>/dev/null; kill $holder 2>/dev/null; wait $holder 2>/dev/null
check "a held lock exits 4" test $status -eq 4
check "a held lock says so in one line" test "$(wc -l <"$scratch/err")" -eq 1
check "a held lock reads no store" grep -q 'another run holds' "$scratch/err"
check "a held lock leaves the output as it was" cmp -s "$scratch/before" "$out/store.prom"
# Held by another user (who may open the 0644 lock file): no run of this
# service, which would exit 4 (a success for the units) forever.
if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	chmod 0755 "$scratch" "$out"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    flock "$out/.store.prom.lock" sleep 10 &
	holder=$!
	wait_for 5 sh -c "! flock -n '$out/.store.prom.lock' true"
	"$XML2PROM" -o "$out/store.prom" "$store" 2>"$scratch/err"
	status=$?
	pkill -P $holder 2>/dev/null; kill $holder 2>/dev/null; wait $holder 2>/dev/null
	check "a lock held by another user exits 3, not 4" test $status -eq 3
	check "...in one line naming the lock and the user" \
	    sh -c "test \$(wc -l <'$scratch/err') -eq 1 &&
	        grep -qF '$out/.store.prom.lock is held by uid 65534' '$scratch/err'"
	check "...leaving the output as it was" cmp -s "$scratch/before" "$out/store.prom"
else
	skip "a lock held by another user: needs root to switch to nobody"
fi

# --- --check writes nothing: not even a lock file it had to create
mkdir -p "$scratch/chk"
"$XML2PROM" --check -o "$scratch/chk/store.prom" "$store" >/dev/null
check "--check exits 0" test $? -eq 0
check "...and leaves the directory empty (no lock file)" test -z "$(ls -A "$scratch/chk")"
"$XML2PROM" -o "$scratch/chk/store.prom" "$store"
"$XML2PROM" --check -o "$scratch/chk/store.prom" "$store" >/dev/null
check "--check keeps a lock file a real run made" test -f "$scratch/chk/.store.prom.lock"

# --- a failed store: no counts, read_success 0, last success carried over
cp "$store" "$scratch/live.xml"
"$XML2PROM" -o "$out/live.prom" "$scratch/live.xml"
first=$(value_of "$out/live.prom" "store_last_success_timestamp_seconds{")
printf '<store><row type="a">' >"$scratch/live.xml"
sleep 0.05
"$XML2PROM" -o "$out/live.prom" "$scratch/live.xml" 2>"$scratch/err"
status=$?
check "a broken store exits 1" test $status -eq 1
check "a broken store is named with line and column" \
    grep -qE "^xml2prom: $scratch/live.xml:1:[0-9]+: " "$scratch/err"
check "a broken store gives read_success 0" \
    test "$(value_of "$out/live.prom" "store_read_success{")" = 0
check "a broken store gives no counts" \
    sh -c "! grep -qE '^store_(total_rows|rows)\{' '$out/live.prom'"
check "a broken store keeps the last success time" \
    test "$(value_of "$out/live.prom" "store_last_success_timestamp_seconds{")" = "$first"
check "a broken store still gives its size" \
    test "$(value_of "$out/live.prom" "store_file_size_bytes{")" = 21
check "the file with a failed store passes promtool" promtool_clean "$out/live.prom"
"$XML2PROM" -o "$out/live.prom" "$scratch/live.xml" 2>/dev/null
check "the carried time survives a second failure" \
    test "$(value_of "$out/live.prom" "store_last_success_timestamp_seconds{")" = "$first"
cp "$store" "$scratch/live.xml"
"$XML2PROM" -o "$out/live.prom" "$scratch/live.xml"
second=$(value_of "$out/live.prom" "store_last_success_timestamp_seconds{")
check "a repaired store moves the last success time on" \
    awk -v a="$first" -v b="$second" 'BEGIN { exit !(b > a) }'
rm -f "$out/live.prom"
"$XML2PROM" -o "$out/live.prom" "$scratch/missing.xml" 2>/dev/null
check "a store that never succeeded has no last success series" \
    sh -c "! grep -q last_success '$out/live.prom'"

# --- output problems: exit 3, nothing written
"$XML2PROM" -o "$scratch/no/such/dir/x.prom" "$store" 2>"$scratch/err"
check "a missing output directory exits 3" test $? -eq 3
check "a missing output directory is named" grep -q "$scratch/no/such/dir" "$scratch/err"
mkdir -p "$scratch/ro"
cp "$out/store.prom" "$scratch/ro/store.prom"
chmod 0755 "$scratch" "$scratch/ro"
chmod 0644 "$scratch/ro/store.prom"
if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	# What nobody runs and reads, outside a checkout it may not enter.
	for_nobody "$store" && nobody_store=$NOBODY_DIR/store.xml
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$NOBODY_XML2PROM" -o "$scratch/ro/store.prom" "$nobody_store" 2>"$scratch/err"
	check "an unwritable output directory exits 3" test $? -eq 3
	check "an unwritable output directory leaves the file" \
	    cmp -s "$out/store.prom" "$scratch/ro/store.prom"
	check "an unwritable output directory is one line" \
	    test "$(wc -l <"$scratch/err")" -eq 1
else
	skip "unwritable directory: needs root to switch to nobody"
fi
if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	cp "$store" "$scratch/secret.xml"
	chmod 0600 "$scratch/secret.xml"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$XML2PROM" -o - "$scratch/secret.xml" >"$scratch/secret.prom" 2>/dev/null
	check "an unreadable store gives reason=\"permission\"" \
	    grep -q '^store_read_failure{.*,reason="permission"} 1$' "$scratch/secret.prom"
else
	skip "unreadable store: needs root to switch to nobody"
fi
ln -s /dev/null "$scratch/null.prom"
"$XML2PROM" -o "$scratch/null.prom" "$store" 2>"$scratch/err"
check "a link to a device as output is refused with exit 3" test $? -eq 3
check "...and left a link to the device" \
    test "$(readlink "$scratch/null.prom")" = /dev/null
mknod "$scratch/dev.prom" c 1 3 2>/dev/null || mkfifo "$scratch/dev.prom"
"$XML2PROM" -o "$scratch/dev.prom" "$store" 2>"$scratch/err"
check "a device (or FIFO) as output is refused with exit 3" test $? -eq 3
check "...and left as it was" test -c "$scratch/dev.prom" -o -p "$scratch/dev.prom"
"$XML2PROM" -o - "$store" >/dev/full 2>"$scratch/err"
check "a full standard output exits 3" test $? -eq 3

# --- the lock file is never followed, never waited on, always 0644
mkdir -p "$scratch/lk"
ln -s "$scratch/lk/victim" "$scratch/lk/.store.prom.lock"
"$XML2PROM" -o "$scratch/lk/store.prom" "$store" 2>"$scratch/err"
check "a symlink as lock file exits 3" test $? -eq 3
check "a symlink as lock file is not followed" test ! -e "$scratch/lk/victim"
check "a symlink as lock file is named as such" grep -q 'symbolic link' "$scratch/err"
rm -f "$scratch/lk/.store.prom.lock"
mkfifo "$scratch/lk/.store.prom.lock"
timeout 5 "$XML2PROM" -o "$scratch/lk/store.prom" "$store" 2>"$scratch/err"
check "a FIFO as lock file exits 3 at once" test $? -eq 3
check "a FIFO as lock file is named" grep -q 'not a regular file' "$scratch/err"
rm -f "$scratch/lk/.store.prom.lock"
(umask 077 && "$XML2PROM" -o "$scratch/lk/store.prom" "$store")
check "the lock file is 0644 whatever the umask" \
    test "$(stat -c %a "$scratch/lk/.store.prom.lock")" = 644
chmod 0600 "$scratch/lk/.store.prom.lock"
"$XML2PROM" -o "$scratch/lk/store.prom" "$store"
check "a lock file left 0600 by an older run is put back to 0644" \
    test "$(stat -c %a "$scratch/lk/.store.prom.lock")" = 644
if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	rm -f "$scratch/lk/store.prom" "$scratch/lk/.store.prom.lock"
	(umask 077 && "$XML2PROM" -o "$scratch/lk/store.prom" "$store")
	chown nobody "$scratch/lk"
	for_nobody "$store" && nobody_store=$NOBODY_DIR/store.xml
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$NOBODY_XML2PROM" -o "$scratch/lk/store.prom" "$nobody_store"
	check "after a root run under umask 077, another user still runs" \
	    test $? -eq 0
	chown root "$scratch/lk"
else
	skip "lock after root run: needs root to switch to nobody"
fi

# --- how the output is named
mkdir -p "$scratch/named" "$scratch/sub"
cp "$store" "$scratch/sub/store.xml"
(cd "$scratch" && "$XML2PROM" -d named sub/ 2>/dev/null)
check "-d DIR sub/ is named sub.prom" test -f "$scratch/named/sub.prom"
check "-d DIR sub/ never writes DIR/.prom" test ! -e "$scratch/named/.prom"
"$XML2PROM" -d "$scratch/named" / 2>/dev/null
check "a FILE with no name is a usage error under -d" test $? -eq 2
check "--version names libxml2 as major.minor.patch" \
    sh -c "'$XML2PROM' --version | grep -qE '\(libxml2 [0-9]+\.[0-9]+\.[0-9]+, built with [0-9]+\.[0-9]+\.[0-9]+'"

# --- usage errors and --dump write nothing
mkdir -p "$scratch/empty"
"$XML2PROM" -d "$scratch/empty" --prefix=9 "$store" 2>/dev/null
check "a usage error exits 2" test $? -eq 2
"$XML2PROM" -d "$scratch/empty" --dump "$store" >"$scratch/dump"
check "--dump exits 0 on a good store" test $? -eq 0
check "usage errors and --dump create nothing" \
    test -z "$(ls -A "$scratch/empty")"
check "--dump lists each row with its line" \
    test "$(grep -c ': row type=' "$scratch/dump")" -eq 6

# --- several stores, one file
cp "$store" "$scratch/a.xml"
cp "$store" "$scratch/b.xml"
"$XML2PROM" -o "$out/many.prom" "$scratch/b.xml" "$scratch/a.xml" "$scratch/c.xml" 2>/dev/null
check "several FILEs: one exit 1 for the missing one" test $? -eq 1
check "several FILEs: a series set each" \
    test "$(grep -c '^store_read_success{' "$out/many.prom")" -eq 3
check "several FILEs: sorted by path" \
    sh -c "grep '^store_total_rows' '$out/many.prom' | head -1 | grep -q '$scratch/a.xml'"
check "several FILEs: the file passes promtool" promtool_clean "$out/many.prom"
check "nothing left behind but outputs and locks" only_lock_left

finish textfile
