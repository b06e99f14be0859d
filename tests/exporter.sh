#!/bin/bash
# exporter.sh: xml2prom serving /metrics itself (--web.listen-address,
# --web.systemd-socket): what it answers, that a scrape is a one-shot run's
# text, a changed store seen at the next scrape, bounds under idle clients
# and many scrapes, and its real consumers: Prometheus, vmagent (a second
# scraper, writing to that Prometheus), systemd socket activation, and the
# Pushgateway recipe.  Under ASan/UBSan and valgrind: a few scrapes, and
# re-reads cut at the scrape's timeout.
. "$(dirname "$0")/lib.sh"

store="$top/examples/store.xml"
pids=""
stop_all() { for p in $pids; do kill -KILL "$p" 2>/dev/null; done; }
cleanup_hooks="$cleanup_hooks stop_all"

# A free port of this suite's range (EXPORTER_PORTS, default 21700-21799).
range=${EXPORTER_PORTS:-21700-21799}
port() {
	python3 - "${range%-*}" "${range#*-}" <<'PY'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
ports = list(range(lo, hi + 1))
random.shuffle(ports)
for p in ports:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    s.close()
    print(p)
    break
PY
}
start() {	# start LOG ARGS...: in the background, its pid in $pid
	_log=$1
	shift
	"$@" 2>"$_log" &
	pid=$!
	pids="$pids $pid"
}
serving() { curl -sf -o /dev/null "http://127.0.0.1:$1/"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# The stores' series with the values that vary masked, xml2prom's own out.
stores_part() { grep -v '^xml2prom_\|^# [A-Z]* xml2prom_' | normalize; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }

# --- what the command line refuses
usage() { "$XML2PROM" "$@" >/dev/null 2>"$scratch/err"; [ $? -eq 2 ]; }
check "--web.listen-address with --dump is refused" usage --web.listen-address=:1 --dump "$store"
check "--web.listen-address on standard input is refused" usage --web.listen-address=:1 -
check "--web.config.file alone is refused" usage --web.config.file=x "$store"
check "--web.listen-address with --every but no output is refused" \
    usage --web.listen-address=:1 --every 1s "$store"
for bad in 'nohost:port' '::1:80' '[::1]80' ':0' ':65536' '[]:80'; do
	check "--web.listen-address '$bad' is refused (status 2)" usage --web.listen-address="$bad" "$store"
done
check "...naming the address" grep -q "'\[\]:80': expected \[HOST\]:PORT" "$scratch/err"

# --- the answers
p=$(port)
start "$scratch/log" "$XML2PROM" --web.listen-address=127.0.0.1:"$p" "$store"
web=$pid
check "serving within 5 s" wait_for 5 serving "$p"
u="http://127.0.0.1:$p"
curl -s -D "$scratch/h" -o "$scratch/m" "$u/metrics"
check "/metrics: 200" grep -q '^HTTP/1.1 200' "$scratch/h"
check "...text format 0.0.4" grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$scratch/h"
check "...promtool has nothing to say" promtool_clean "$scratch/m"
check "...xml2prom_build_info with the version" \
    grep -q "^xml2prom_build_info{libxml2=\".*\",version=\"$("$XML2PROM" --version | awk '{ print $2 }')\"} 1$" "$scratch/m"
check "...the scrape's duration" grep -q '^xml2prom_scrape_duration_seconds [0-9]' "$scratch/m"
"$XML2PROM" -o - "$store" | normalize >"$scratch/once"
stores_part <"$scratch/m" >"$scratch/scraped"
check "...the stores' part is a one-shot run's text, byte for byte" cmp "$scratch/once" "$scratch/scraped" ||
    diff "$scratch/once" "$scratch/scraped" | head
curl -s -H 'Accept-Encoding: gzip' -D "$scratch/gh" -o "$scratch/gz" "$u/metrics"
check "gzip asked: Content-Encoding gzip" grep -qi '^Content-Encoding: gzip' "$scratch/gh"
gunzip <"$scratch/gz" | stores_part >"$scratch/gunzipped"
check "...whose body is the same page" cmp "$scratch/once" "$scratch/gunzipped"
curl -s -H 'Accept-Encoding: gzip;q=0, identity' -D "$scratch/gh" -o /dev/null "$u/metrics"
check "gzip;q=0: not gzipped" sh -c "! grep -qi '^Content-Encoding' '$scratch/gh'"
check "HEAD /metrics: 200, no body" test "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$u/metrics")" = "200 0"
check "/: 200, a page linking /metrics" sh -c "curl -s '$u/' | grep -q 'href=\"/metrics\"'"
check "POST /metrics: 405" test "$(status_of -X POST -d x "$u/metrics")" = 405
check "...with Allow: GET, HEAD" sh -c "curl -s -D - -o /dev/null -X DELETE '$u/metrics' | grep -qi '^Allow: GET, HEAD'"
check "a query: 400" test "$(status_of "$u/metrics?target=/etc/passwd")" = 400
check "another path: 404" test "$(status_of "$u/metrics/x")" = 404
check "a path out of the tree: 404" test "$(status_of --path-as-is "$u/../../etc/passwd")" = 404
check "a malformed request line is answered or dropped" sh -c \
    "printf 'GARBAGE\r\n\r\n' | timeout 5 python3 -c 'import socket,sys; s=socket.create_connection((\"127.0.0.1\",$p)); s.sendall(sys.stdin.buffer.read()); s.settimeout(4); s.recv(100)' ; true"
big=$(head -c 40000 /dev/zero | tr '\0' a)
check "a huge header: 431 (or dropped), not served" sh -c "c=\$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Big: $big' '$u/metrics'); [ \"\$c\" = 431 ] || [ \"\$c\" = 000 ]"
check "...and the next scrape is served" test "$(status_of "$u/metrics")" = 200
check "no path from a URL was opened" sh -c "! grep -q 'passwd' '$scratch/log'"
kill -TERM "$web"
wait "$web"
check "SIGTERM: status 0" test $? -eq 0

# --- a store that changes between two scrapes; one that fails
mkdir -p "$scratch/c"
cp "$store" "$scratch/c/store.xml"
p=$(port)
start "$scratch/c/log" "$XML2PROM" --web.listen-address=127.0.0.1:"$p" "$scratch/c/store.xml" "$scratch/c/gone.xml"
web=$pid
wait_for 5 serving "$p"
curl -s -o "$scratch/c/1" "http://127.0.0.1:$p/metrics"
sed 's/type="dvd"/type="vinyl"/' "$store" >"$scratch/c/new" && mv "$scratch/c/new" "$scratch/c/store.xml"
curl -s -o "$scratch/c/2" -w '%{http_code}' "http://127.0.0.1:$p/metrics" >"$scratch/c/code"
check "a failing store: still 200" test "$(cat "$scratch/c/code")" = 200
check "...its failure series" grep -q '^store_read_success{path=".*gone.xml"} 0$' "$scratch/c/2"
check "a changed store: the first scrape had the old type" grep -q 'type="dvd"} 1$' "$scratch/c/1"
check "...the next scrape the new one" grep -q 'type="vinyl"} 1$' "$scratch/c/2"
"$XML2PROM" -o - "$scratch/c/store.xml" "$scratch/c/gone.xml" 2>/dev/null | normalize >"$scratch/c/once"
stores_part <"$scratch/c/2" >"$scratch/c/scraped"
check "...equal to a one-shot run's text" cmp "$scratch/c/once" "$scratch/c/scraped"
kill -TERM "$web"; wait "$web"

# --- a re-read bounded by the scrape's X-Prometheus-Scrape-Timeout-Seconds
# (a store of 2 000 000 rows: a whole read takes more than a second)
"$top/build/genstore" "${EXPORTER_TIMEOUT_ROWS:-2000000}" >"$scratch/big.xml"
p=$(port)
start "$scratch/t.log" "$XML2PROM" --web.listen-address=127.0.0.1:"$p" "$scratch/big.xml"
web=$pid
wait_for 5 serving "$p"
tmo() { curl -s -m 30 -H 'X-Prometheus-Scrape-Timeout-Seconds: 0.2' -o "$1" -w '%{time_total}' "http://127.0.0.1:$p/metrics"; }
t_first=$(tmo "$scratch/t0")
check "timeout 0.2 s, no read before: answered within 1 s" awk -v t="$t_first" 'BEGIN { exit !(t < 1) }'
check "...the store's failure series, reason \"limit\"" grep -q '^store_read_failure{path=".*big.xml",reason="limit"} 1$' "$scratch/t0"
check "...xml2prom_scrape_timed_out 1" grep -q '^xml2prom_scrape_timed_out 1$' "$scratch/t0"
t_whole=$(curl -s -m 60 -o "$scratch/t1" -w '%{time_total}' "http://127.0.0.1:$p/metrics")
check "no timeout header: the whole read served (success 1, timed_out 0)" \
    sh -c "grep -q '^store_read_success{.*} 1$' '$scratch/t1' && grep -q '^xml2prom_scrape_timed_out 0$' '$scratch/t1'"
echo '<!-- changed -->' >>"$scratch/big.xml"
t_again=$(tmo "$scratch/t2")
echo "# a scrape with timeout 0.2 s: ${t_first}s with no read before, ${t_again}s re-reading a changed store; a whole read ${t_whole}s"
check "changed store, timeout 0.2 s: answered within 1 s" awk -v t="$t_again" 'BEGIN { exit !(t < 1) }'
check "...faster than a whole read" awk -v a="$t_again" -v w="$t_whole" 'BEGIN { exit !(a < w) }'
grep -v '^xml2prom_\|^# [A-Z]* xml2prom_' "$scratch/t1" >"$scratch/t1.stores"
grep -v '^xml2prom_\|^# [A-Z]* xml2prom_' "$scratch/t2" >"$scratch/t2.stores"
check "...the last whole read's series, byte for byte" cmp "$scratch/t1.stores" "$scratch/t2.stores"
check "...xml2prom_scrape_timed_out 1" grep -q '^xml2prom_scrape_timed_out 1$' "$scratch/t2"
check "...said on standard error" grep -q 'abandoned at its timeout: served the last whole read' "$scratch/t.log"
check "...and the next scrape without a header reads it whole" sh -c "curl -s -m 60 'http://127.0.0.1:$p/metrics' | grep -q '^xml2prom_scrape_timed_out 0$'"
kill -TERM "$web"; wait "$web"
rm -f "$scratch/big.xml"

# --- bounds: 1 000 idle connections, then many scrapes
p=$(port)
start "$scratch/b.log" "$XML2PROM" --web.listen-address=127.0.0.1:"$p" "$store"
web=$pid
wait_for 5 serving "$p"
curl -s -o /dev/null "http://127.0.0.1:$p/metrics"
rss0=$(rss_kb "$web")
python3 - "$p" >"$scratch/idle.out" <<'PY' &
import socket, sys, time
conns = []
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finished
    conns.append(s)
print(len(conns), flush=True)
time.sleep(8)
PY
idle=$!
pids="$pids $idle"
wait_for 10 grep -q 1000 "$scratch/idle.out"
t0=$(date +%s%N)
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/metrics")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# a scrape beside 1000 idle connections: $code in $ms ms"
check "1000 idle connections: a real scrape still served within 2 s" test "$code" = 200 -a "$ms" -lt 2000
rss1=$(rss_kb "$web")
echo "# RSS: $rss0 kB alone, $rss1 kB with 1000 idle connections"
check "...RSS grows by less than 32 MiB (documented bound)" test $((rss1 - rss0)) -lt 32768
kill "$idle" 2>/dev/null; wait "$idle" 2>/dev/null
for i in $(seq 10); do curl -s -o /dev/null "http://127.0.0.1:$p/metrics"; done
sleep 0.5
rss10=$(rss_kb "$web"); fd10=$(fds "$web")
n=${EXPORTER_SCRAPES:-100000}
timeout 120 ab -q -k -n "$n" -c 10 "http://127.0.0.1:$p/metrics" >"$scratch/ab" 2>&1
# (ab counts a body of another length as failed: the scrape's duration is.)
ab_clean() {
	grep -q "^Complete requests: *$n\$" "$scratch/ab" &&
	    ! grep -q '^Non-2xx' "$scratch/ab" &&
	    { grep -q '^Failed requests: *0$' "$scratch/ab" ||
	    grep -q '(Connect: 0, Receive: 0, Length: [0-9]*, Exceptions: 0)' "$scratch/ab"; }
}
check "$n scrapes (ab -k -c 10): all 200, none dropped" ab_clean || tail -5 "$scratch/ab"
sleep 0.5
rssn=$(rss_kb "$web"); fdn=$(fds "$web")
echo "# after 10 scrapes: RSS $rss10 kB, $fd10 fds; after $n more: RSS $rssn kB, $fdn fds;" \
    "$(grep '^Requests per second' "$scratch/ab")"
check "...RSS where it was after 10 (within 1 MiB)" test $((rssn - rss10)) -lt 1024
check "...descriptors where they were" test "$fdn" -eq "$fd10"
kill -TERM "$web"; wait "$web"

# --- socket activation, as systemd's socket unit starts it
p=$(port)
start "$scratch/sa.log" systemd-socket-activate -l 127.0.0.1:"$p" "$XML2PROM" --web.systemd-socket "$store"
sa=$pid
check "--web.systemd-socket: served on systemd's socket" wait_for 5 sh -c "curl -sf 'http://127.0.0.1:$p/metrics' | grep -q '^store_read_success{.*} 1$'"
kill -TERM "$sa"; wait "$sa"
units="$scratch/units"
mkdir -p "$units"
cp "$top"/examples/xml2prom-exporter.* "$units"
sed -i "s|/usr/local/bin/xml2prom|$XML2PROM|" "$units/xml2prom-exporter.service"
check "systemd-analyze verify: the exporter's service and socket" \
    sh -c "cd '$units' && systemd-analyze verify --man=no xml2prom-exporter.socket xml2prom-exporter.service"
LISTEN_PID=1 LISTEN_FDS=1 "$XML2PROM" --web.systemd-socket "$store" 2>"$scratch/err"
check "--web.systemd-socket without a socket: status 3" test $? -eq 3
check "...saying so" grep -q 'no socket passed' "$scratch/err"

# --- the web configuration file: TLS and basic auth, its errors
w="$scratch/web"
mkdir -p "$w"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$w/key.pem" -out "$w/cert.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
hash=$(htpasswd -nbBC 5 prom s3cret | cut -d: -f2)
cat >"$w/web.yml" <<EOF
# as for any exporter of the Prometheus exporter-toolkit
tls_server_config:
  cert_file: $w/cert.pem
  key_file: $w/key.pem
  min_version: TLS12
basic_auth_users:
  prom: ${hash/\$2y\$/\$2b\$}
EOF
webconf_refused() {	# webconf_refused TEXT MESSAGE: status 2, FILE:LINE: MESSAGE
	printf '%s\n' "$1" >"$w/bad.yml"
	"$XML2PROM" --web.listen-address=127.0.0.1:1 --web.config.file="$w/bad.yml" "$store" 2>"$w/err"
	[ $? -eq 2 ] && grep -qF "$w/bad.yml:$2" "$w/err" || { cat "$w/err"; return 1; }
}
check "web config: an unknown key refused with file:line" \
    webconf_refused "$(printf 'tls_server_config:\n  cert_file: a\n  kee_file: b')" "3: tls_server_config: unknown key 'kee_file'"
check "web config: an unknown top key refused" webconf_refused "http_server_config: {}" "1: unknown key"
check "web config: a password not a bcrypt hash refused" \
    webconf_refused "$(printf 'basic_auth_users:\n  u: secret')" "2: basic_auth_users: u: expected a bcrypt hash"
check "web config: client certificates asked with no client_ca_file refused" \
    webconf_refused "$(printf 'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert')" "1: tls_server_config: client_auth_type other than NoClientCert: give client_ca_file"
check "web config: RequestClientCert (not verified, not required) refused" \
    webconf_refused "$(printf 'tls_server_config:\n  client_auth_type: RequestClientCert')" "2: client_auth_type 'RequestClientCert'"
check "web config: client_ca_file without a certificate of its own refused" \
    webconf_refused "$(printf 'tls_server_config:\n  client_ca_file: ca.pem')" "1: tls_server_config: client_ca_file needs cert_file"
check "web config: TLS 1.1 refused" \
    webconf_refused "$(printf 'tls_server_config:\n  min_version: TLS11')" "2: min_version"
check "web config: bad YAML refused with its file" webconf_refused "basic_auth_users: {a: [" ""
ncorpus=$(ls "$top/tests/fuzz/corpus/web" | wc -l)
make_locked build/fuzz/replay-web >/dev/null 2>&1
check "fuzz corpus replay: web" sh -c "'$top/build/fuzz/replay-web' '$top'/tests/fuzz/corpus/web/* 2>&1 | grep -qx 'replay: $ncorpus inputs'"
sp=$(port)
start "$w/log" "$XML2PROM" --web.listen-address=127.0.0.1:"$sp" --web.config.file="$w/web.yml" "$store"
tls=$pid
su="https://127.0.0.1:$sp"
wait_for 5 curl -s --cacert "$w/cert.pem" -o /dev/null "$su/"
check "HTTPS, the right password: 200" test "$(status_of --cacert "$w/cert.pem" -u prom:s3cret "$su/metrics")" = 200
check "...a wrong password: 401" test "$(status_of --cacert "$w/cert.pem" -u prom:wrong "$su/metrics")" = 401
check "...with WWW-Authenticate" sh -c "curl -s -D - -o /dev/null --cacert '$w/cert.pem' '$su/metrics' | grep -qi '^WWW-Authenticate: Basic realm='"
check "...an unknown user: 401" test "$(status_of --cacert "$w/cert.pem" -u root:s3cret "$su/metrics")" = 401
check "...plain HTTP on the TLS port: no page" test "$(status_of "http://127.0.0.1:$sp/metrics")" != 200
check "...TLS 1.1: refused" test "$(status_of --tls-max 1.1 --cacert "$w/cert.pem" -u prom:s3cret "$su/metrics")" = 000
printf '\026\003\001\000\377garbage' | timeout 3 python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$sp)); s.sendall(sys.stdin.buffer.read()); s.settimeout(2)
try: s.recv(100)
except Exception: pass" >/dev/null 2>&1
check "...a bad handshake, then the next scrape: 200" test "$(status_of --cacert "$w/cert.pem" -u prom:s3cret "$su/metrics")" = 200

# --- client certificates (client_ca_file, client_auth_type): a CA, the
# server's and a client's certificates, and a stranger's from another CA
pki="$scratch/pki"
mkdir -p "$pki"
mkca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 -subj "/CN=$1" >/dev/null 2>&1; }
mkcert() {	# mkcert NAME CA [openssl x509 options]
	openssl req -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=$1" >/dev/null 2>&1
	_n=$1 _ca=$2
	shift 2
	openssl x509 -req -in "$pki/$_n.csr" -CA "$pki/$_ca.pem" -CAkey "$pki/$_ca.key" -CAcreateserial \
	    -out "$pki/$_n.pem" -days 2 "$@" >/dev/null 2>&1
}
mkca ca; mkca other
printf 'subjectAltName=IP:127.0.0.1\n' >"$pki/san.ext"
mkcert server ca -extfile "$pki/san.ext"; mkcert client ca; mkcert stranger other
mtls() {	# mtls AUTH_TYPE PORT: an exporter asking for client certificates
	printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n  client_ca_file: %s\n  client_auth_type: %s\n' \
	    "$pki/server.pem" "$pki/server.key" "$pki/ca.pem" "$1" >"$pki/$1.yml"
	start "$pki/$1.log" "$XML2PROM" --web.listen-address=127.0.0.1:"$2" --web.config.file="$pki/$1.yml" "$store"
	wait_for 5 curl -s --cacert "$pki/ca.pem" -o /dev/null "https://127.0.0.1:$2/"
}
as() {	# as WHO PORT: the status of /metrics with WHO's certificate (none: none)
	if [ "$1" = none ]; then status_of --cacert "$pki/ca.pem" "https://127.0.0.1:$2/metrics"
	else status_of --cacert "$pki/ca.pem" --cert "$pki/$1.pem" --key "$pki/$1.key" "https://127.0.0.1:$2/metrics"; fi
}
mp=$(port)
mtls RequireAndVerifyClientCert "$mp"
mtlspid=$pid
check "RequireAndVerifyClientCert: a client certificate from client_ca_file's CA: 200" test "$(as client "$mp")" = 200
check "...no client certificate: 403" test "$(as none "$mp")" = 403
check "...a certificate from another CA: 403" test "$(as stranger "$mp")" = 403
check "...and the next scrape with the right one: 200" test "$(as client "$mp")" = 200
ip=$(port)
mtls VerifyClientCertIfGiven "$ip"
check "VerifyClientCertIfGiven: none: 200" test "$(as none "$ip")" = 200
check "...the right one: 200" test "$(as client "$ip")" = 200
check "...another CA's: 403" test "$(as stranger "$ip")" = 403
kill -TERM "$pid"; wait "$pid"
ap=$(port)
mtls RequireAnyClientCert "$ap"
check "RequireAnyClientCert: none: 403" test "$(as none "$ap")" = 403
check "...another CA's (not verified): 200" test "$(as stranger "$ap")" = 200
kill -TERM "$pid"; wait "$pid"

# --- SIGHUP reads the users again; with --every and -o, the file written too
hash2=$(htpasswd -nbBC 5 prom other | cut -d: -f2)
printf 'basic_auth_users:\n  prom: %s\n' "$hash" >"$w/users.yml"
hp=$(port)
start "$w/hup.log" "$XML2PROM" --web.listen-address=127.0.0.1:"$hp" --web.config.file="$w/users.yml" \
    --every 200ms -o "$w/out.prom" "$store"
hup=$pid
wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$hp/"
check "users only (no TLS): the right password over HTTP, 200" test "$(status_of -u prom:s3cret "http://127.0.0.1:$hp/metrics")" = 200
check "...and no password, 401" test "$(status_of "http://127.0.0.1:$hp/metrics")" = 401
check "--every with -o: the file is written too" wait_for 5 grep -q '^store_read_success{.*} 1$' "$w/out.prom"
printf 'basic_auth_users:\n  prom: %s\n' "$hash2" >"$w/users.yml"
kill -HUP "$hup"
check "SIGHUP: the new password taken" wait_for 5 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -u prom:other 'http://127.0.0.1:$hp/metrics') = 200 ]"
check "...the old one refused" test "$(status_of -u prom:s3cret "http://127.0.0.1:$hp/metrics")" = 401
printf 'basic_auth_users:\n  prom: plain\n' >"$w/users.yml"
kill -HUP "$hup"
check "SIGHUP with a bad file: says so" wait_for 5 grep -q 'SIGHUP: the users are not taken' "$w/hup.log"
check "...and keeps the users it had" test "$(status_of -u prom:other "http://127.0.0.1:$hp/metrics")" = 200
kill -TERM "$hup"; wait "$hup"
check "...SIGTERM: status 0" test $? -eq 0

# --- Prometheus scrapes it (over HTTP, and over HTTPS with the right and
# a wrong password); vmagent too, writing what it scraped there
mkdir -p "$scratch/prom"
xp=$(port)
start "$scratch/prom/x.log" "$XML2PROM" --web.listen-address=127.0.0.1:"$xp" "$store"
web=$pid
pp=$(port)
cat >"$scratch/prom/prometheus.yml" <<EOF
global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: xml2prom
    static_configs: [ { targets: ['127.0.0.1:$xp'] } ]
  - job_name: tls
    scheme: https
    tls_config: { ca_file: $w/cert.pem }
    basic_auth: { username: prom, password: s3cret }
    static_configs: [ { targets: ['127.0.0.1:$sp'] } ]
  - job_name: tls-wrong
    scheme: https
    tls_config: { ca_file: $w/cert.pem }
    basic_auth: { username: prom, password: wrong }
    static_configs: [ { targets: ['127.0.0.1:$sp'] } ]
  - job_name: mtls
    scheme: https
    tls_config: { ca_file: $pki/ca.pem, cert_file: $pki/client.pem, key_file: $pki/client.key }
    static_configs: [ { targets: ['127.0.0.1:$mp'] } ]
  - job_name: mtls-none
    scheme: https
    tls_config: { ca_file: $pki/ca.pem }
    static_configs: [ { targets: ['127.0.0.1:$mp'] } ]
EOF
start "$scratch/prom/log" prometheus --config.file="$scratch/prom/prometheus.yml" \
    --storage.tsdb.path="$scratch/prom/data" --web.listen-address=127.0.0.1:"$pp" \
    --web.enable-remote-write-receiver
prom=$pid
vp=$(port)
cat >"$scratch/prom/vmagent.yml" <<EOF
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: vmagent
    static_configs: [ { targets: ['127.0.0.1:$xp'] } ]
EOF
start "$scratch/prom/vm.log" vmagent -promscrape.config="$scratch/prom/vmagent.yml" \
    -remoteWrite.url="http://127.0.0.1:$pp/api/v1/write" -httpListenAddr=127.0.0.1:"$vp" \
    -remoteWrite.tmpDataPath="$scratch/prom/vmdata" -remoteWrite.flushInterval=500ms
vm=$pid
q() { curl -s "http://127.0.0.1:$pp/api/v1/query" --data-urlencode "query=$1"; }
up() { q "up{job=\"$1\"}" | grep -q '"value":\[[0-9.]*,"1"\]'; }
check "Prometheus: the target is up" wait_for 20 up xml2prom || tail -5 "$scratch/prom/log"
check "Prometheus over HTTPS with basic auth: up" wait_for 20 up tls
down() { q "up{job=\"$1\"}" | grep -q '"value":\[[0-9.]*,"0"\]'; }
check "...with a wrong password: down" wait_for 20 down tls-wrong
check "...for 401" sh -c "curl -s 'http://127.0.0.1:$pp/api/v1/targets' | grep -q '401 Unauthorized'"
check "Prometheus with a client certificate (tls_config cert_file, key_file): up" wait_for 20 up mtls
check "...without one: down" wait_for 20 down mtls-none
check "...for 403" sh -c "curl -s 'http://127.0.0.1:$pp/api/v1/targets' | grep -q '403 Forbidden'"
check "vmagent: its scrape of it reached Prometheus" wait_for 20 sh -c \
    "curl -s 'http://127.0.0.1:$pp/api/v1/query' --data-urlencode 'query=store_rows{job=\"vmagent\",type=\"book\"}' | grep -q '\"4\"\\]'" ||
    tail -5 "$scratch/prom/vm.log"
# Every series of the one-shot file, with its value, as each scraper saw it.
"$XML2PROM" -o - "$store" | grep -v '^#' |
    grep -v '_last_success_timestamp_seconds\|_read_duration_seconds' >"$scratch/prom/file"
same_series() {
	while read -r series value; do
		name=${series%%\{*}
		labels=${series#"$name"}
		got=$(q "${name}{job=\"$1\",${labels#\{}" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
v = sys.argv[1]
# The same float64 (Prometheus keeps no more than that).
print(v if len(r) == 1 and float(r[0]["value"][1]) == float(v) else
      r[0]["value"][1] if r else "none")' "$value")
		[ "$got" = "$value" ] || { echo "# $1: $series: $got, not $value"; return 1; }
	done <"$scratch/prom/file"
}
check "Prometheus: every series of the one-shot file, same value" same_series xml2prom
check "vmagent: every series of the one-shot file, same value" same_series vmagent
check "Prometheus over HTTPS: every series of the one-shot file, same value" same_series tls
kill -TERM "$vm" "$prom" "$web" "$tls" "$mtlspid"; wait "$vm" "$prom" "$web" "$tls" "$mtlspid" 2>/dev/null

# --- the Pushgateway recipe (README): a one-shot run pushed
gp=$(port)
start "$scratch/pg.log" prometheus-pushgateway --web.listen-address=127.0.0.1:"$gp" \
    --persistence.file="$scratch/pg.data"
pg=$pid
wait_for 10 curl -sf "http://127.0.0.1:$gp/-/ready"
"$XML2PROM" -o - "$store" | curl -s -f --data-binary @- "http://127.0.0.1:$gp/metrics/job/xml2prom/instance/shop"
check "Pushgateway: the pushed run accepted" test $? -eq 0
check "...served again with job and instance" sh -c "curl -s 'http://127.0.0.1:$gp/metrics' |
    grep -q '^store_rows{instance=\"shop\",job=\"xml2prom\",path=\"$store\",type=\"book\"} 4$'"
kill -TERM "$pg"; wait "$pg"

# --- under ASan/UBSan and valgrind: a few scrapes, any finding fatal
scrapes_clean() {
	_p=$(port)
	"$@" --web.listen-address=127.0.0.1:"$_p" "$store" "$scratch/none.xml" 2>"$scratch/mem.log" &
	_pid=$!
	pids="$pids $_pid"
	wait_for 30 serving "$_p" || return 1
	for _i in 1 2 3; do
		curl -s -o /dev/null "http://127.0.0.1:$_p/metrics"
		curl -s -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$_p/metrics"
		curl -s -o /dev/null -X POST "http://127.0.0.1:$_p/x?y"
	done
	kill -HUP "$_pid"	# the reads kept, freed with the old options
	wait_for 30 curl -sf -o /dev/null "http://127.0.0.1:$_p/metrics"
	kill -TERM "$_pid"
	wait "$_pid" || { tail -20 "$scratch/mem.log"; return 1; }
}
# The re-read cut by X-Prometheus-Scrape-Timeout-Seconds, both ways: with
# no read before (the failure series, reason "limit") and with one (the
# last page again); each must have been cut (xml2prom_scrape_timed_out 1),
# or the path was not taken.  A store of CUT_ROWS (default 300 000 rows:
# more than 0.2 s to read under ASan, seconds under valgrind).
cut_scrape() {	# cut_scrape PORT OUT [TIMEOUT]: a scrape; did it say TIMED_OUT?
	curl -s -m 300 ${3:+-H "X-Prometheus-Scrape-Timeout-Seconds: $3"} -o "$2" \
	    "http://127.0.0.1:$1/metrics" &&
	    grep -q "^xml2prom_scrape_timed_out $([ -n "${3:-}" ] && echo 1 || echo 0)\$" "$2"
}
timeouts_clean() {
	_p=$(port)
	[ -s "$scratch/cut.xml" ] || "$top/build/genstore" "${CUT_ROWS:-300000}" >"$scratch/cut.xml"
	cp "$scratch/cut.xml" "$scratch/cut-now.xml"
	"$@" --web.listen-address=127.0.0.1:"$_p" "$scratch/cut-now.xml" 2>"$scratch/cut.log" &
	_pid=$!
	pids="$pids $_pid"
	wait_for 30 serving "$_p" || return 1
	cut_scrape "$_p" "$scratch/cut0" 0.2 &&
	    grep -q '^store_read_failure{.*reason="limit"} 1$' "$scratch/cut0" ||
	    { echo "# no read before: not cut"; kill -TERM "$_pid"; return 1; }
	cut_scrape "$_p" "$scratch/cut1" || { kill -TERM "$_pid"; return 1; }
	echo '<!-- changed -->' >>"$scratch/cut-now.xml"
	cut_scrape "$_p" "$scratch/cut2" 0.2 &&
	    grep -q 'abandoned at its timeout: served the last whole read' "$scratch/cut.log" ||
	    { echo "# a read before: not cut"; kill -TERM "$_pid"; return 1; }
	kill -TERM "$_pid"
	wait "$_pid" || { tail -20 "$scratch/cut.log"; return 1; }
}
if make_locked build/asan/xml2prom >"$scratch/asan.build" 2>&1; then
	check "ASan/UBSan: a few scrapes and a SIGHUP, clean" scrapes_clean "$top/build/asan/xml2prom"
	check "ASan/UBSan: re-reads cut at the scrape's timeout, clean" timeouts_clean "$top/build/asan/xml2prom"
else
	not_ok "the ASan build"; tail -5 "$scratch/asan.build"
fi
check "valgrind: a few scrapes and a SIGHUP, no error, no leak" scrapes_clean valgrind -q --error-exitcode=99 \
    --leak-check=full --errors-for-leak-kinds=definite "$XML2PROM"
check "valgrind: re-reads cut at the scrape's timeout, no error, no leak" timeouts_clean valgrind -q \
    --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$XML2PROM"

finish exporter
