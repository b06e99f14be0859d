#!/bin/bash
# security.sh: the security review's attacks on a run as root, each tried
# for real (the package's own are in deb.sh): a hard link as lock file, a
# textfile directory that is a link or another user's, a store name that
# another user made a link to a root-only file, a --config that is a FIFO
# or a link to a secret, and stores built to take unbounded memory or CPU
# (each must fail with reason="limit" in bounded memory and CPU time).
. "$(dirname "$0")/lib.sh"

store="$top/examples/store.xml"

# --- SIGHUP rereads the options, -l and -n on the command line included:
# the first parse once cut argv at the '=', and every reload then failed
# with "--label 'app': expected NAME=VALUE"
hup="$scratch/hup"
mkdir -p "$hup"
printf 'by type=@type\n' >"$hup/run.conf"
"$XML2PROM" --every 200ms -v -l app=shop -n o=urn:orders -c "$hup/run.conf" \
    -o "$hup/out.prom" "$store" 2>"$hup/err" &
hup_pid=$!
stop_hup() { kill "$hup_pid" 2>/dev/null; wait "$hup_pid" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks stop_hup"
waited_for() {	# waited_for SECONDS COMMAND...: COMMAND true within SECONDS
	local tries=$(($1 * 10))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.1
	done
}
waited_for 30 test -s "$hup/out.prom"
printf 'by type=@type\nlabel site=north\n' >"$hup/run.conf"
kill -HUP "$hup_pid"
check "SIGHUP with -l and -n given: the options are reread" \
    waited_for 30 grep -q 'SIGHUP: options reread' "$hup/err"
check "...and the file's new label is written" \
    waited_for 30 grep -q '^store_total_rows{.*app="shop",site="north"}' \
    "$hup/out.prom"
check "...with no usage error" \
    sh -c "! grep -q 'expected NAME=VALUE\|not taken' '$hup/err'"
stop_hup

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	skip "the attacks on a run as root: need root and the user nobody"
	finish security
	exit
fi
chmod 0755 "$scratch"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

# --- the lock file's mode is never applied through a hard link
out="$scratch/out"
mkdir -p "$out"
printf 'secret\n' >"$scratch/secret"
chmod 0600 "$scratch/secret"
ln "$scratch/secret" "$out/.store.prom.lock"
"$XML2PROM" -o "$out/store.prom" "$store"
check "a hard link as lock file: the run still writes" test $? -eq 0
check "...and the linked file keeps its mode 0600" \
    test "$(stat -c %a "$scratch/secret")" = 600

# --- where a run as root writes
mkdir -p "$scratch/real" "$scratch/theirs" "$scratch/open" "$scratch/sticky"
ln -s "$scratch/real" "$scratch/link"
chown nobody "$scratch/theirs"
chmod 0777 "$scratch/open"
chmod 1777 "$scratch/sticky"
refused() {	# refused NAME DIR: exit 3, one line naming DIR, nothing written
	"$XML2PROM" -o "$2/store.prom" "$store" 2>"$scratch/err"
	check "$1: exit 3" test $? -eq 3
	check "$1: one line naming the directory" \
	    sh -c "test \$(wc -l <'$scratch/err') -eq 1 && grep -qF '$2: ' '$scratch/err'"
	check "$1: nothing written" \
	    test -z "$(ls -A "$2/")" -a -z "$(ls -A "$scratch/real")"
}
refused "a textfile directory that is a link" "$scratch/link"
refused "a textfile directory of another user's" "$scratch/theirs"
refused "a textfile directory others may write" "$scratch/open"
# Sticky or not: anyone could hold its lock, or plant the names others write.
refused "a sticky directory of root's that others may write (as /tmp)" "$scratch/sticky"
"$XML2PROM" -o "$scratch/real/store.prom" "$store"
check "a directory of root's 0755 is written" test $? -eq 0
# What nobody runs and reads, outside a checkout it may not enter.
for_nobody "$store" && nobody_store=$NOBODY_DIR/store.xml
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$NOBODY_XML2PROM" -o "$scratch/theirs/store.prom" "$nobody_store"
check "a user other than root writes into their own directory as before" \
    test $? -eq 0
chown nobody "$scratch/sticky"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$NOBODY_XML2PROM" -o "$scratch/sticky/store.prom" "$nobody_store" 2>"$scratch/err"
check "...but not into one of theirs that others may write: exit 3, saying so" \
    sh -c "test $? -eq 3 && grep -qF '$scratch/sticky: xml2prom writes only into a directory that only its owner can change, and this one is writable by others (mode 1777' '$scratch/err'"

# --- what a run as root reads
app="$scratch/app"
mkdir -p "$app"
chown nobody "$app"
printf '<s><row type="root-only-value"/></s>\n' >"$scratch/root-only.xml"
chmod 0600 "$scratch/root-only.xml"
as_nobody ln -s "$scratch/root-only.xml" "$app/store.xml"
"$XML2PROM" -o - "$app/store.xml" >"$scratch/read.prom" 2>"$scratch/err"
check "a store name another user made a link to a root-only file: exit 1" \
    test $? -eq 1
check "...reason=\"permission\"" \
    grep -q '^store_read_failure{.*,reason="permission"} 1$' "$scratch/read.prom"
check "...none of the file's values in the output" \
    sh -c "! grep -q root-only-value '$scratch/read.prom'"
check "...one line naming the directory and its owner" \
    grep -qF "$app belongs to user nobody" "$scratch/err"
mkdir -p "$app/sub"
chown nobody "$app/sub"
as_nobody ln -s "$scratch/root-only.xml" "$app/sub/inner.xml"
ln -s "$app/sub" "$scratch/hop"
"$XML2PROM" -o - "$scratch/hop/inner.xml" >"$scratch/read.prom" 2>/dev/null
check "...the same through a link of root's into that user's directory" \
    grep -q 'reason="permission"' "$scratch/read.prom"
cp "$store" "$app/own.xml"
chown nobody "$app/own.xml"
chmod 0600 "$app/own.xml"
"$XML2PROM" -o - "$app/own.xml" >"$scratch/read.prom"
check "the store of the user who owns its directory is read, 0600" \
    grep -q '^store_total_rows{.*} 6$' "$scratch/read.prom"
chmod 0644 "$scratch/root-only.xml"
"$XML2PROM" -o - "$app/store.xml" >"$scratch/read.prom"
check "a file anyone may read is read through any link" \
    grep -q '^store_total_rows{.*} 1$' "$scratch/read.prom"

# A file anyone may read, in root's 0700 directory: no user can read it by
# that path, so no user's link may have it published
mkdir -p "$scratch/rootonly"
chmod 0700 "$scratch/rootonly"
printf '<s><row type="behind-0700"/></s>\n' >"$scratch/rootonly/open.xml"
chmod 0644 "$scratch/rootonly/open.xml"
as_nobody ln -s "$scratch/rootonly/open.xml" "$app/open.xml"
"$XML2PROM" -o - "$app/open.xml" >"$scratch/read.prom" 2>"$scratch/err"
check "a 0644 file in root's 0700 directory through another user's link: exit 1" \
    test $? -eq 1
check "...reason=\"permission\"" \
    grep -q '^store_read_failure{.*,reason="permission"} 1$' "$scratch/read.prom"
check "...none of the file's values in the output" \
    sh -c "! grep -q behind-0700 '$scratch/read.prom'"
check "...one line naming the closed directory" \
    grep -qF "only past $scratch/rootonly, which they may not search" "$scratch/err"
"$XML2PROM" -o - "$scratch/rootonly/open.xml" >"$scratch/read.prom"
check "...the same file named by root's own path is read" \
    grep -q '^store_total_rows{.*} 1$' "$scratch/read.prom"
# A refused target's size and time are not told either: no metadata oracle
as_nobody ln -s /etc/shadow "$app/shadow.xml"
"$XML2PROM" -o - "$app/shadow.xml" >"$scratch/read.prom" 2>/dev/null
check "a link to /etc/shadow: reason=\"permission\"" \
    grep -q '^store_read_failure{.*,reason="permission"} 1$' "$scratch/read.prom"
check "...and no file_size_bytes or file_modified_timestamp_seconds" \
    sh -c "! grep -q '^store_file_\(size_bytes\|modified_timestamp_seconds\){' '$scratch/read.prom'"

# --- a store that is a device is refused without being opened for reading
# (opening /dev/watchdog arms it); the check runs under strace
as_nobody ln -s /dev/null "$app/null.xml"
mknod "$scratch/zero.xml" c 1 5
for dev in "$app/null.xml" "$scratch/zero.xml"; do
	"$XML2PROM" -o - "$dev" >"$scratch/read.prom" 2>"$scratch/err"
	check "a store that is a character device ($dev): exit 1, reason=\"io\"" \
	    grep -q '^store_read_failure{.*,reason="io"} 1$' "$scratch/read.prom"
	check "...said so" grep -qF "$dev: a character device, not a regular file: never opened" "$scratch/err"
	if command -v strace >/dev/null; then
		strace -f -o "$scratch/trace" -e trace=open,openat \
		    "$XML2PROM" -o - "$dev" >/dev/null 2>&1
		check "...never opened but with O_PATH" \
		    sh -c "grep -F '\"$dev\"' '$scratch/trace' | grep -q O_PATH &&
		    ! grep -F -e '\"$dev\"' -e '/proc/self/fd' '$scratch/trace' | grep -v O_PATH | grep -q ."
	else
		skip "strace: not installed"
	fi
done

# --- --config
mkfifo "$scratch/fifo.conf"
timeout 10 "$XML2PROM" -c "$scratch/fifo.conf" -o - "$store" 2>"$scratch/err" >/dev/null
check "--config on a FIFO: refused at once, exit 2" test $? -eq 2
printf 'root:$6$SECRETHASH:19000:0:99999:7:::\n' >"$scratch/shadow"
chmod 0600 "$scratch/shadow"
ln -s "$scratch/shadow" "$scratch/shadow.conf"
"$XML2PROM" -c "$scratch/shadow.conf" -o - "$store" 2>"$scratch/err" >/dev/null
check "--config on a link to a secret: exit 2" test $? -eq 2
check "...names the line" grep -qF "$scratch/shadow.conf:1: not an option" "$scratch/err"
check "...without echoing it" sh -c "! grep -q SECRETHASH '$scratch/err'"
mkdir -p "$scratch/confout"
# A run as root obeys a config's output and mode: one that another user
# may change is refused, as sshd refuses such a file
printf 'by type=@type\nmode 0666\n' >"$scratch/app.conf"
chown nobody "$scratch/app.conf"
"$XML2PROM" -c "$scratch/app.conf" -o "$scratch/confout/conf.prom" "$store" 2>"$scratch/err"
check "--config owned by another user, as root: exit 2" test $? -eq 2
check "...one line saying why" \
    grep -qF "$scratch/app.conf: a run as root obeys only a config file that root alone may change" "$scratch/err"
check "...nothing written" test ! -e "$scratch/confout/conf.prom"
chown root "$scratch/app.conf"
chmod 0666 "$scratch/app.conf"
"$XML2PROM" -c "$scratch/app.conf" -o "$scratch/confout/conf.prom" "$store" 2>/dev/null
check "--config of root's that others may write, as root: exit 2" test $? -eq 2
chmod 0644 "$scratch/app.conf"
"$XML2PROM" -c "$scratch/app.conf" -o "$scratch/confout/conf.prom" "$store" 2>"$scratch/err" || cat "$scratch/err"
check "--config of root's, 0644: obeyed" \
    test $? -eq 0 -a "$(stat -c %a "$scratch/confout/conf.prom")" = 666
chown nobody "$scratch/app.conf"
cp "$store" "$app/conf-store.xml"
as_nobody "$XML2PROM" -c "$scratch/app.conf" -o - "$app/conf-store.xml" >/dev/null
check "...a user other than root reads their own config as before" test $? -eq 0
# ...and one of root's, 0644, named in another user's directory, which
# that user could swap for another file of root's
cp "$scratch/app.conf" "$app/root.conf"
chown root "$app/root.conf"
"$XML2PROM" -c "$app/root.conf" -o - "$store" >/dev/null 2>"$scratch/err"
check "--config of root's in another user's directory, as root: exit 2" \
    test $? -eq 2
check "...naming the directory and its owner" \
    grep -qF "directories that only root can change: $app belongs to user nobody" "$scratch/err"
# A config that is a device is never opened for reading
ln -s /dev/zero "$scratch/zero.conf"
if command -v strace >/dev/null; then
	strace -f -o "$scratch/trace" -e trace=open,openat \
	    "$XML2PROM" -c "$scratch/zero.conf" -o - "$store" >/dev/null 2>&1
	check "--config on a link to /dev/zero: opened only with O_PATH" \
	    sh -c "grep -F 'zero.conf\"' '$scratch/trace' | grep -q O_PATH &&
	    ! grep -F -e 'zero.conf\"' -e /proc/self/fd '$scratch/trace' | grep -v O_PATH | grep -q ."
else
	skip "strace: not installed"
fi

# --- stores built to take unbounded memory or CPU: each fails with
# reason="limit" within 64 MiB and 2 s of CPU time (not wall time: the
# machine is shared)
/usr/bin/python3 - "$scratch" <<'PY' || not_ok "the hostile stores could not be made"
import sys
d = sys.argv[1]
def write(name, *parts):
    with open("%s/%s" % (d, name), "w") as f:
        for p in parts:
            f.write(p)
write("wide.xml", "<s><row>", "<a/>" * 400000, "</row></s>\n")
write("bigtext.xml", "<s><row><c>", "x" * (40 << 20), "</c></row></s>\n")
write("decls.xml", "<!DOCTYPE s [<!ATTLIST row ",
      " ".join('a%d CDATA "1"' % i for i in range(5000)), ">]>\n<s>",
      "<row/>" * 2000, "</s>\n")
write("decls-many.xml", "<!DOCTYPE s [<!ATTLIST row ",
      " ".join('a%d CDATA "1"' % i for i in range(1000)), ">]>\n<s>",
      "<row/>" * 100000, "</s>\n")
write("attlist.xml", "<!DOCTYPE s [",
      "".join('<!ATTLIST e%d a CDATA "1">' % i for i in range(10001)),
      "]>\n<s><row/></s>\n")
write("attrs.xml", "<s><row ",
      " ".join('a%d="1"' % i for i in range(400000)), "/></s>\n")
write("nsdecl.xml", "<s><row ",
      " ".join('xmlns:p%d="u%d"' % (i, i) for i in range(100000)), "/></s>\n")
PY
limited() {	# limited NAME FILE ARGS...
	local name=$1 file=$2
	shift 2
	/usr/bin/time -o "$scratch/usage" -f '%M %U %S' "$XML2PROM" -o - "$@" \
	    "$scratch/$file" >"$scratch/lim.prom" 2>"$scratch/err"
	local status=$?
	read -r rss user sys < <(tail -n 1 "$scratch/usage")
	check "$name: exit 1" test $status -eq 1
	check "$name: reason=\"limit\"" \
	    grep -q '^store_read_failure{.*,reason="limit"} 1$' "$scratch/lim.prom"
	check "$name: one line on stderr" test "$(wc -l <"$scratch/err")" -eq 1
	if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
		check "$name: peak RSS $((rss / 1024)) MiB, under 64 MiB" \
		    test "$rss" -lt $((64 * 1024))
		check "$name: CPU $user+$sys s, under 2 s" \
		    awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 2) }'
	fi
	echo "# $name: $(cat "$scratch/err"); ${rss} KB, ${user}+${sys} s CPU"
}
limited "one row of 400 000 children, count(node()) on its tree" wide.xml \
    -r //row -t 'count(node())'
# The same counted as the store streams by holds nothing: it reads.
/usr/bin/time -o "$scratch/usage" -f '%M' "$XML2PROM" -o - -r //row \
    -t 'count(*)' "$scratch/wide.xml" >"$scratch/wide.prom" 2>"$scratch/err"
check "one row of 400 000 children, count(*) streamed: read, 400000" \
    sh -c "test $? -eq 0 && grep -q '^store_rows{.*type=\"400000\"} 1$' '$scratch/wide.prom'"
if [ "${HOSTILE_LIMITS:-1}" != 0 ]; then
	check "...in at most 16 MiB ($(( $(tail -n 1 "$scratch/usage") / 1024 )) MiB)" \
	    test "$(tail -n 1 "$scratch/usage")" -lt $((16 * 1024))
fi
limited "40 MiB of text in one row, substring()" bigtext.xml -r //row -t 'substring(c,1,3)'
limited "40 MiB of text in one row, string(.)" bigtext.xml -r //row -t 'string(.)'
limited "40 MiB of text in one row, translate()" bigtext.xml -r //row -t 'translate(c,"x","y")'
limited "5000 attribute defaults on 2000 rows" decls.xml
limited "1000 attribute defaults on 100 000 rows" decls-many.xml
limited "10 001 attribute declarations" attlist.xml
limited "400 000 attributes on one tag" attrs.xml
limited "100 000 namespace declarations, string(.)" nsdecl.xml -r //row -t 'string(.)'

finish security
