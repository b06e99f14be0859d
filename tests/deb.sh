#!/bin/bash
# deb.sh: the Debian package as an operator deploys it.  make deb builds
# it; lintian finds nothing to say (errors or warnings); dpkg -i installs
# it, leaving the textfile directory root's; the template service's own
# command, run as the unit runs it with a conf in /etc/xml2prom, writes a
# .prom file that node_exporter serves; dpkg --purge leaves nothing of it.
# And the security review's attacks on the package, tried for real: the
# prometheus user swaps the textfile directory for a link before install
# and before purge (no owner may change through it), an upgrade from
# 1.1.0's statoverride, and a link planted where root's collectors write.
# Installs into this machine's real /usr, /etc and textfile directory, and
# purges on the way out, as a failed run's next run does first.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

textfile=/var/lib/prometheus/node-exporter
conf=/etc/xml2prom/debtest.conf
if [ "$(id -u)" -ne 0 ]; then
	not_ok "the package: dpkg -i needs root"
	finish deb
	exit
fi
purge() {
	rm -f "$conf"
	dpkg --purge xml2prom >/dev/null 2>&1
}
stop_ne() { [ -n "${ne_pid:-}" ] && kill "$ne_pid" 2>/dev/null; wait 2>/dev/null; }
# The textfile directory as Debian ships it, whatever a test did to it.
restore_textfile() {
	[ -L "$textfile" ] && rm -f "$textfile"
	# the link the attack below plants, should it ever succeed
	[ "$(readlink "$textfile/apt.prom" 2>/dev/null)" = /etc/shadow ] &&
	    rm -f "$textfile/apt.prom"
	[ "$(readlink "$textfile/apt.prom" 2>/dev/null)" = "$victim/apt.prom" ] &&
	    rm -f "$textfile/apt.prom"
	rm -rf "$textfile"/debtest* "$textfile"/.debtest*
	rm -f /etc/xml2prom/debtest*.conf /etc/systemd/system/timers.target.wants/xml2prom@debtest.timer \
	    /etc/systemd/system/sockets.target.wants/xml2prom-exporter.socket
	[ -d "$textfile.moved" ] && rm -rf "$textfile" && mv "$textfile.moved" "$textfile"
	dpkg-statoverride --remove "$textfile" >/dev/null 2>&1
	mkdir -p "$textfile"
	chown root:root "$textfile"
	chmod 0755 "$textfile"
}
cleanup_hooks="stop_ne purge restore_textfile"
purge
restore_textfile
as_prometheus() { setpriv --reuid=prometheus --regid=prometheus --clear-groups -- "$@"; }
# A directory only root may change, for prometheus to aim a link at.
victim="$scratch/victim"
mkdir -p "$victim"
chmod 0755 "$scratch" "$victim"
owner_of() { stat -c %U:%G "$1"; }

make -s deb >"$scratch/build" 2>&1
deb=$(tail -n 1 "$scratch/build")
check "make deb builds a package" test -f "$deb"
lintian --tag-display-limit 0 "$deb" >"$scratch/lintian" 2>"$scratch/lintian.err"
status=$?
# As root it warns that it runs as root, and says nothing else.
grep -vx 'running with root privileges is not recommended!' \
    "$scratch/lintian.err" >"$scratch/lintian.other"
check "lintian ran (exit $status, nothing else on stderr)" \
    test $status -eq 0 -a ! -s "$scratch/lintian.other"
cat "$scratch/lintian.other"
check "lintian: no error, no warning" sh -c "! grep -E '^[EW]: ' '$scratch/lintian'"
grep -E '^[EW]: ' "$scratch/lintian"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' >"$scratch/files"
dpkg-deb -f "$deb" Depends >"$scratch/depends"
check "it depends on the libraries the binary links" \
    sh -c "grep -q 'libxml2' '$scratch/depends' && grep -q 'zlib1g' '$scratch/depends' && grep -q 'libc6' '$scratch/depends'"
check "...the exporter mode's: libmicrohttpd12, libgnutls30 (client certificates), libyaml-0-2" \
    sh -c "grep -q 'libmicrohttpd12' '$scratch/depends' && grep -q 'libgnutls30' '$scratch/depends' && grep -q 'libyaml-0-2' '$scratch/depends'"
check "it recommends node_exporter" \
    sh -c "dpkg-deb -f '$deb' Recommends | grep -qx prometheus-node-exporter"
check "the cron file and example.conf are conffiles" \
    sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xOf - ./conffiles | sort | tr '\n' ' ' |
        grep -qx '/etc/cron.d/xml2prom /etc/xml2prom/example.conf '"

# --- attack: the textfile directory swapped for a link before install
check "prometheus owns the directory above the textfile directory (Debian's layout)" \
    test "$(stat -c %U "$(dirname "$textfile")")" = prometheus
as_prometheus mv "$textfile" "$textfile.moved"
as_prometheus ln -s "$victim" "$textfile"
check "attack set up: the textfile directory is prometheus's link to a root directory" \
    test -L "$textfile" -a "$(owner_of "$victim")" = root:root
dpkg -i "$deb" >"$scratch/dpkg" 2>&1
check "dpkg -i over a swapped directory installs" test $? -eq 0
check "...and changes no owner through the link" \
    test "$(owner_of "$victim")" = root:root
check "...nor its mode" test "$(stat -c %a "$victim")" = 755
dpkg --purge xml2prom >/dev/null 2>&1
restore_textfile

# --- upgrade from 1.1.0, which gave the directory to prometheus
dpkg-statoverride --update --add prometheus prometheus 0755 "$textfile"
dpkg -i "$deb" >"$scratch/dpkg" 2>&1
check "an upgrade over 1.1.0's statoverride installs" test $? -eq 0
check "...removes the statoverride" \
    sh -c "! dpkg-statoverride --list '$textfile' >/dev/null"
check "...and gives the directory back to root" \
    test "$(owner_of "$textfile")" = root:root
dpkg --purge xml2prom >/dev/null 2>&1
dpkg-statoverride --add prometheus prometheus 0755 "$textfile"
as_prometheus mv "$textfile" "$textfile.moved"
as_prometheus ln -s "$victim" "$textfile"
dpkg -i "$deb" >/dev/null 2>&1
check "an upgrade over 1.1.0 with the directory swapped for a link: no owner changes" \
    test "$(owner_of "$victim")" = root:root -a -L "$textfile"
dpkg --purge xml2prom >/dev/null 2>&1
restore_textfile

# --- upgrade from 1.1.0 after prometheus filled the directory it owned:
# a link where root's collectors write, a FIFO, a directory, a hard link,
# a lock it holds, a file of its own others may write, and mode 1777.
dpkg-statoverride --update --add prometheus prometheus 0755 "$textfile"
as_prometheus sh -c "chmod 1777 '$textfile' &&
    ln -s '$victim/apt.prom' '$textfile/apt.prom' && mkfifo '$textfile/debtest.fifo' &&
    mkdir '$textfile/debtest.d' && echo x >'$textfile/debtest.d/x' &&
    echo 'node_x 1' >'$textfile/debtest-kept.prom' && chmod 0666 '$textfile/debtest-kept.prom' &&
    echo 'node_y 1' >'$textfile/debtest-two.prom' && ln '$textfile/debtest-two.prom' '$textfile/debtest-two.link' &&
    touch '$textfile/.debtest.prom.lock'"
check "attack set up: a 1777 directory of prometheus's with its link, FIFO, directory, hard link, lock" \
    test -L "$textfile/apt.prom" -a -p "$textfile/debtest.fifo" -a -d "$textfile/debtest.d" \
    -a "$(stat -c %h "$textfile/debtest-two.prom")" = 2 -a "$(stat -c %a "$textfile")" = 1777
dpkg -i "$deb" >"$scratch/dpkg" 2>&1
check "the upgrade installs" test $? -eq 0 || cat "$scratch/dpkg"
check "...the directory is root's 0755 again, not 1777" \
    test "$(owner_of "$textfile") $(stat -c %a "$textfile")" = "root:root 755"
check "...prometheus's link is gone, and said so" \
    sh -c "test ! -L '$textfile/apt.prom' &&
        grep -qF 'removed $textfile/apt.prom, a symbolic link to $victim/apt.prom' '$scratch/dpkg'"
check "...so are the FIFO, the directory and the hard-linked file" \
    sh -c "test ! -e '$textfile/debtest.fifo' -a ! -e '$textfile/debtest.d' -a ! -e '$textfile/debtest-two.prom' &&
        grep -qF 'removed $textfile/debtest.fifo: not a regular file' '$scratch/dpkg'"
check "...and prometheus's lock file" \
    sh -c "test ! -e '$textfile/.debtest.prom.lock' &&
        grep -qF 'removed $textfile/.debtest.prom.lock: a lock file of prometheus' '$scratch/dpkg'"
check "...a regular file of its own is kept, made root's 0644, and said so" \
    sh -c "test \"\$(stat -c '%U:%G %a' '$textfile/debtest-kept.prom')\" = 'root:root 644' &&
        grep -qF 'kept $textfile/debtest-kept.prom, made root' '$scratch/dpkg'"
check "...nothing was written through the link" test ! -e "$victim/apt.prom"
dpkg --purge xml2prom >/dev/null 2>&1
restore_textfile

# --- install
dpkg -i "$deb" >"$scratch/dpkg" 2>&1
status=$?
check "dpkg -i installs it" test $status -eq 0
[ $status -eq 0 ] || cat "$scratch/dpkg"
check "the binary runs" sh -c "/usr/bin/xml2prom --version | grep -q '^xml2prom '"
for u in xml2prom.service xml2prom.timer xml2prom@.service xml2prom@.timer \
    xml2prom-exporter.service xml2prom-exporter.socket; do
	check "$u is installed" test -f "/lib/systemd/system/$u"
done
check "the units start /usr/bin/xml2prom" \
    sh -c "for u in xml2prom.service xml2prom@.service xml2prom-exporter.service; do
        grep -q '^ExecStart=/usr/bin/xml2prom ' /lib/systemd/system/\$u || exit 1
        ! grep '^ExecStart=' /lib/systemd/system/\$u | grep -vq '^ExecStart=/usr/bin/xml2prom ' || exit 1
    done"
check "the exporter's units pass systemd-analyze verify" \
    systemd-analyze verify --man=no /lib/systemd/system/xml2prom-exporter.socket /lib/systemd/system/xml2prom-exporter.service
# The installed binary under socket activation, as the socket unit runs it.
ep=$(python3 -c 'import random; print(random.randint(21850, 21899))')
systemd-socket-activate -l 127.0.0.1:"$ep" /usr/bin/xml2prom --web.systemd-socket examples/store.xml 2>"$scratch/exporter.log" &
epid=$!
check "the installed exporter serves /metrics on systemd's socket" \
    wait_for 10 sh -c "curl -sf 'http://127.0.0.1:$ep/metrics' | grep -q '^store_read_success{.*} 1$'"
kill -TERM "$epid"; wait "$epid"
check "the cron file is installed" test -f /etc/cron.d/xml2prom
check "...shipped disabled: its line commented out" \
    sh -c "grep -q '^#\\* \\* \\* \\* \\* root ' /etc/cron.d/xml2prom &&
        ! grep -E '^[^#].*xml2prom' /etc/cron.d/xml2prom | grep -q '\\* \\* \\*'"
check "the textfile directory stays root's, 0755" \
    test "$(owner_of "$textfile") $(stat -c %a "$textfile")" = "root:root 755"
check "no statoverride on it" sh -c "! dpkg-statoverride --list '$textfile' >/dev/null"
# --- attack: a link where root's collectors write by name (apt.prom)
as_prometheus ln -s /etc/shadow "$textfile/apt.prom" 2>/dev/null
check "prometheus cannot plant a link in the textfile directory" \
    test $? -ne 0 -a ! -L "$textfile/apt.prom"
check "man xml2prom finds the page" sh -c "man -w xml2prom | grep -q '/usr/share/man/man1/xml2prom.1.gz'"
for f in junit.options xccdf.options shop.options shop.xml xml2prom@example.conf xml2prom@junit.conf \
    alerts.rules.yml grafana-dashboard.json; do
	check "the examples ship: /usr/share/doc/xml2prom/examples/$f, as in the tree" \
	    cmp -s "examples/$f" "/usr/share/doc/xml2prom/examples/$f"
done
check "the shipped alert rules load (promtool)" \
    sh -c "promtool check rules /usr/share/doc/xml2prom/examples/alerts.rules.yml >/dev/null"

# --- the template service's command, as the unit runs it, with its conf
mkdir -p "$scratch/srv"
chmod 0755 "$scratch" "$scratch/srv"
cp examples/store.xml "$scratch/srv/store.xml"
chmod 0644 "$scratch/srv/store.xml"
printf 'STORE=%s\nXML2PROM_OPTIONS="--rows=//row --label=app=debtest"\n' \
    "$scratch/srv/store.xml" >"$conf"
cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/xml2prom@.service | sed 's/%i/debtest/g')
check "the template runs as root (no User=) with no capability" \
    sh -c "! grep -q '^User=' /lib/systemd/system/xml2prom@.service &&
        grep -qx 'CapabilityBoundingSet=' /lib/systemd/system/xml2prom@.service"
no_caps="setpriv --bounding-set=-all --inh-caps=-all --no-new-privs --"
( set -a; . "$conf"; set +a; umask 0022
  eval "$no_caps $cmd" ) 2>"$scratch/err"
status=$?
check "the service's command, as root without capabilities, exits 0" \
    test $status -eq 0
[ $status -eq 0 ] || cat "$scratch/err"
check "...and writes debtest.prom, 0644" \
    test "$(stat -c %a "$textfile/debtest.prom")" = 644
check "...promtool-clean" promtool_clean "$textfile/debtest.prom"
$no_caps xml2prom --check -o "$textfile/debtest.prom" "$scratch/srv/store.xml" >/dev/null
check "--check as the unit runs passes" test $? -eq 0

ne_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$textfile" >"$scratch/ne.log" 2>&1 &
ne_pid=$!
wait_for 20 curl -sf "http://127.0.0.1:$ne_port/metrics"
curl -sf "http://127.0.0.1:$ne_port/metrics" >"$scratch/served"
check "node_exporter serves it" \
    grep -qF "store_total_rows{app=\"debtest\",path=\"$scratch/srv/store.xml\"} 6" "$scratch/served"
check "node_exporter read the directory without error" \
    grep -q '^node_textfile_scrape_error 0$' "$scratch/served"
stop_ne

# --- purge: nothing of the package's left, nothing served
# The timer enabled as `systemctl enable xml2prom@debtest.timer` does; an
# instance whose output is not xml2prom's; a manual run's output.
wants=/etc/systemd/system/timers.target.wants
mkdir -p "$wants"
ln -sf /lib/systemd/system/xml2prom@.timer "$wants/xml2prom@debtest.timer"
mkdir -p /etc/systemd/system/sockets.target.wants
ln -sf /lib/systemd/system/xml2prom-exporter.socket /etc/systemd/system/sockets.target.wants/
printf 'STORE=/nonexistent\n' >/etc/xml2prom/debtest-foreign.conf
printf 'node_load1 1\n' >"$textfile/debtest-foreign.prom"
xml2prom -o "$textfile/debtest-manual.prom" "$scratch/srv/store.xml"
dpkg --purge xml2prom >"$scratch/dpkg" 2>&1
status=$?
check "dpkg --purge removes it" test $status -eq 0
[ $status -eq 0 ] || cat "$scratch/dpkg"
check "...every file it shipped" sh -c "! xargs ls -d <'$scratch/files' 2>/dev/null | grep -q ."
check "...an instance's output and its lock, saying so" \
    sh -c "test ! -e '$textfile/debtest.prom' -a ! -e '$textfile/.debtest.prom.lock' &&
        grep -qF 'removed $textfile/debtest.prom, the output of xml2prom@debtest' '$scratch/dpkg'"
check "...the link systemctl enable made" \
    sh -c "test ! -L '$wants/xml2prom@debtest.timer' && grep -qF 'removed $wants/xml2prom@debtest.timer' '$scratch/dpkg'"
check "...and the exporter's socket enabled" \
    sh -c "test ! -L /etc/systemd/system/sockets.target.wants/xml2prom-exporter.socket &&
        grep -qF 'removed /etc/systemd/system/sockets.target.wants/xml2prom-exporter.socket' '$scratch/dpkg'"
check "...keeps an instance's file that is not only xml2prom's, saying so" \
    sh -c "test -f '$textfile/debtest-foreign.prom' &&
        grep -qF 'kept $textfile/debtest-foreign.prom: not a file only xml2prom wrote' '$scratch/dpkg'"
check "...keeps the output of a run that is no instance of the package" \
    test -f "$textfile/debtest-manual.prom"
check "...keeps the operator's confs, saying so" \
    sh -c "test -f '$conf' && grep -qF 'kept $conf, the operator' '$scratch/dpkg'"
rm -f "$conf" /etc/xml2prom/debtest-foreign.conf "$textfile"/debtest-*.prom "$textfile"/.debtest-*.lock
rmdir /etc/xml2prom
check "...and dpkg knows nothing of it" \
    sh -c "! dpkg -s xml2prom >/dev/null 2>&1"

# --- attack: the textfile directory swapped for a link before purge
dpkg -i "$deb" >/dev/null 2>&1
chown nobody:nogroup "$victim"
touch "$victim/.x.prom.lock"
printf '# HELP store_total_rows Total rows in store\n' >"$victim/x.prom"
as_prometheus mv "$textfile" "$textfile.moved"
as_prometheus ln -s "$victim" "$textfile"
dpkg --purge xml2prom >/dev/null 2>&1
check "dpkg --purge over a swapped directory changes no owner through the link" \
    test "$(owner_of "$victim")" = nobody:nogroup
check "...and removes nothing through it" \
    test -f "$victim/x.prom" -a -f "$victim/.x.prom.lock"
restore_textfile
finish deb
