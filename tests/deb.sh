#!/bin/bash
# deb.sh: the Debian package as an operator deploys it.  make deb builds
# it; lintian finds nothing to say (errors or warnings); dpkg -i installs
# it, making the textfile directory prometheus's; the template service's
# own command, run as its user with a conf in /etc/xml2prom, writes a
# .prom file that node_exporter serves; dpkg --purge leaves nothing of it.
# Installs into this machine's real /usr, /etc and textfile directory, and
# purges on the way out, as a failed run's next run does first.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

textfile=/var/lib/prometheus/node-exporter
conf=/etc/xml2prom/debtest.conf
if [ "$(id -u)" -ne 0 ]; then
	skip "the package: dpkg -i needs root"
	finish deb
	exit
fi
purge() {
	rm -f "$conf"
	dpkg --purge xml2prom >/dev/null 2>&1
}
stop_ne() { [ -n "${ne_pid:-}" ] && kill "$ne_pid" 2>/dev/null; wait 2>/dev/null; }
cleanup_hooks="stop_ne purge"
purge

make -s deb >"$scratch/build" 2>&1
deb=$(tail -n 1 "$scratch/build")
check "make deb builds a package" test -f "$deb"
lintian --tag-display-limit 0 "$deb" >"$scratch/lintian" 2>/dev/null
check "lintian: no error, no warning" sh -c "! grep -E '^[EW]: ' '$scratch/lintian'"
grep -E '^[EW]: ' "$scratch/lintian"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' >"$scratch/files"
dpkg-deb -f "$deb" Depends >"$scratch/depends"
check "it depends on the libraries the binary links" \
    sh -c "grep -q 'libxml2' '$scratch/depends' && grep -q 'zlib1g' '$scratch/depends' && grep -q 'libc6' '$scratch/depends'"
check "it recommends node_exporter" \
    sh -c "dpkg-deb -f '$deb' Recommends | grep -qx prometheus-node-exporter"
check "the cron file and example.conf are conffiles" \
    sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xOf - ./conffiles | sort | tr '\n' ' ' |
        grep -qx '/etc/cron.d/xml2prom /etc/xml2prom/example.conf '"

# --- install
dpkg -i "$deb" >"$scratch/dpkg" 2>&1
check "dpkg -i installs it" test $? -eq 0 || cat "$scratch/dpkg"
check "the binary runs" sh -c "/usr/bin/xml2prom --version | grep -q '^xml2prom '"
check "the units start /usr/bin/xml2prom" \
    sh -c "grep -h '^ExecStart=' /lib/systemd/system/xml2prom*.service | grep -vq '^ExecStart=/usr/bin/xml2prom ' && exit 1 || exit 0"
check "the cron file is shipped disabled" \
    sh -c "! grep -E '^[^#].*xml2prom' /etc/cron.d/xml2prom | grep -q '\\* \\* \\*'"
check "the textfile directory is prometheus's" \
    test "$(stat -c %U "$textfile")" = prometheus
check "man xml2prom finds the page" sh -c "man -w xml2prom | grep -q '/usr/share/man/man1/xml2prom.1.gz'"

# --- the template service's command, as its user, with its conf
mkdir -p "$scratch/srv"
chmod 0755 "$scratch" "$scratch/srv"
cp examples/store.xml "$scratch/srv/store.xml"
chmod 0644 "$scratch/srv/store.xml"
printf 'STORE=%s\nXML2PROM_OPTIONS="--rows=//row --label=app=debtest"\n' \
    "$scratch/srv/store.xml" >"$conf"
cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/xml2prom@.service | sed 's/%i/debtest/g')
user=$(sed -n 's/^User=//p' /lib/systemd/system/xml2prom@.service)
( set -a; . "$conf"; set +a; umask 0022
  eval "setpriv --reuid=$user --regid=$user --clear-groups $cmd" ) 2>"$scratch/err"
check "the service's command, as $user, exits 0" test $? -eq 0 || cat "$scratch/err"
check "...and writes debtest.prom, 0644, promtool-clean" \
    sh -c "test \$(stat -c %a '$textfile/debtest.prom') = 644" &&
    promtool_clean "$textfile/debtest.prom"
runuser -u "$user" -- xml2prom --check -o "$textfile/debtest.prom" "$scratch/srv/store.xml" >/dev/null
check "--check as $user passes" test $? -eq 0

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

# --- purge: nothing left
rm -f "$conf"	# the operator's own file, not the package's
dpkg --purge xml2prom >"$scratch/dpkg" 2>&1
check "dpkg --purge removes it" test $? -eq 0 || cat "$scratch/dpkg"
check "...every file it shipped" sh -c "! xargs ls -d <'$scratch/files' 2>/dev/null | grep -q ."
check ".../etc/xml2prom" test ! -e /etc/xml2prom
check "...the outputs it wrote and their locks" \
    test ! -e "$textfile/debtest.prom" -a ! -e "$textfile/.debtest.prom.lock"
check "...the textfile directory's statoverride" \
    sh -c "! dpkg-statoverride --list '$textfile' >/dev/null"
check "...and dpkg knows nothing of it" \
    sh -c "! dpkg -s xml2prom >/dev/null 2>&1"
finish deb
