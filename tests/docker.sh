#!/bin/bash
# docker.sh: the image and the compose stack with the real thing.  Starts
# a dockerd of its own (private data root, exec root, socket and pidfile;
# no bridge, no iptables) and stops it after, leaving nothing behind.  No
# image is pulled: a Debian base is made with mmdebstrap and imported, and
# node_exporter, Prometheus and Alertmanager images are made from Debian's
# packages (tests/docker/Dockerfile.peers).  Run by `make check-docker`.
. "$(dirname "$0")/lib.sh"

# The client of Debian's docker.io, which matches its daemon (another
# docker may come first on PATH).
docker_cli=$(dpkg -L docker.io 2>/dev/null | grep -m1 '/bin/docker$')
for tool in dockerd mmdebstrap docker-compose curl promtool; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null 2>&1 ||
	    { skip "docker suite: $tool missing"; finish docker; exit; }
done
[ -x "$docker_cli" ] || { skip "docker suite: docker.io's client missing"; finish docker; exit; }
PATH=$PATH:/usr/sbin

# Short paths: containerd's sockets live under the exec root.
root=$(mktemp -d /var/tmp/x2pd.XXXXXX)
exec_root=$(mktemp -d /tmp/x2pe.XXXXXX)
export DOCKER_HOST="unix://$root/docker.sock"
docker() { "$docker_cli" "$@"; }
project=x2p$$

stop_dockerd() {
	if [ -f "$root/docker.pid" ]; then
		docker ps -aq | xargs -r "$docker_cli" rm -f >/dev/null 2>&1
		kill "$(cat "$root/docker.pid")" 2>/dev/null
		for _i in $(seq 100); do [ -f "$root/docker.pid" ] || break; sleep 0.1; done
	fi
	# Whatever a killed daemon left mounted.
	grep -oE "($root|$exec_root)[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$root" "$exec_root"
}
cleanup_hooks="$cleanup_hooks stop_dockerd"

dockerd --data-root "$root/data" --exec-root "$exec_root" \
    -H "$DOCKER_HOST" --pidfile "$root/docker.pid" \
    --iptables=false --ip6tables=false --bridge=none \
    >"$root/dockerd.log" 2>&1 &
check "a private dockerd answers" wait_for 30 docker version || tail -n 20 "$root/dockerd.log"

# --- a base image from Debian's packages, trimmed as debian:*-slim is
t0=$(date +%s)
make -s -C "$top" base DOCKER="$docker_cli" BASE_IMAGE=xml2prom-test/debian:bookworm \
    >"$root/mmdebstrap.log" 2>&1
check "make base: mmdebstrap makes a bookworm base" test $? -eq 0 || tail -n 20 "$root/mmdebstrap.log"
check "...imported, never pulled" sh -c "'$docker_cli' image inspect xml2prom-test/debian:bookworm >/dev/null"
echo "# base made in $(( $(date +%s) - t0 )) s"

# --- the image, by make image
t0=$(date +%s)
make -s -C "$top" image DOCKER="$docker_cli" BASE=xml2prom-test/debian:bookworm \
    DOCKER_BUILD_FLAGS="--network host -q" IMAGE=xml2prom:test >"$scratch/image.log" 2>&1
check "make image builds examples/docker/Dockerfile" test $? -eq 0 || tail -n 20 "$scratch/image.log"
size=$(docker image inspect -f '{{.Size}}' xml2prom:test)
base_size=$(docker image inspect -f '{{.Size}}' xml2prom-test/debian:bookworm)
echo "# image built in $(( $(date +%s) - t0 )) s: $((size / 1000000)) MB, of which the base $((base_size / 1000000)) MB"
inspect() { docker image inspect -f "$1" xml2prom:test; }
check "...runs as 65534, node_exporter's user" test "$(inspect '{{.Config.User}}')" = 65534:65534
check "...its entry point is xml2prom" test "$(inspect '{{json .Config.Entrypoint}}')" = '["/usr/bin/xml2prom"]'
for label in title description version revision licenses; do
	check "...OCI label org.opencontainers.image.$label" \
	    test -n "$(inspect "{{index .Config.Labels \"org.opencontainers.image.$label\"}}")"
done
check "...its version label is the binary's" \
    sh -c "'$docker_cli' run --rm --network none xml2prom:test --version | grep -q \"xml2prom $(inspect '{{index .Config.Labels "org.opencontainers.image.version"}}') \""
docker run --rm --network none --entrypoint /bin/sh xml2prom:test -c \
    'command -v gcc make pkg-config cc apt-get' >"$scratch/tools" 2>&1
docker run --rm --network none --entrypoint /bin/cat xml2prom:test /usr/bin/xml2prom >"$scratch/bin"
readelf -d "$scratch/bin" >"$scratch/dyn" 2>&1
readelf -h "$scratch/bin" >"$scratch/hdr" 2>&1
readelf -W --dyn-syms "$scratch/bin" >"$scratch/syms" 2>&1
check "...its binary has the .deb's hardening: BIND_NOW, PIE, stack protector, FORTIFY" \
    sh -c "grep -q 'BIND_NOW' '$scratch/dyn' && grep -q 'Type:.*DYN' '$scratch/hdr' &&
        grep -q '__stack_chk_fail' '$scratch/syms' && grep -q '__[a-z]*_chk' '$scratch/syms' &&
        readelf -lW '$scratch/bin' | grep -q GNU_RELRO"
check "...its runtime holds no compiler, make or headers" \
    sh -c "! grep -qE 'gcc|make|pkg-config|/cc$' '$scratch/tools' && ! '$docker_cli' run --rm --network none --entrypoint /bin/ls xml2prom:test /usr/include/libxml2 >/dev/null 2>&1"

# --- docker run IMAGE --dump /store/store.xml, and the same locked down
mkdir -p "$scratch/app"
cp "$top/examples/store.xml" "$scratch/app/store.xml"
chmod 0755 "$scratch" "$scratch/app"
docker run --rm --network none -v "$scratch/app:/store:ro" xml2prom:test \
    --dump /store/store.xml >"$scratch/dump" 2>&1
check "docker run IMAGE --dump /store/store.xml works" \
    grep -q '^/store/store.xml:4: row type="book" reported' "$scratch/dump" || head "$scratch/dump"
run_into() {	# VOLUME FLAGS...: one run writing into a named volume
	_vol=$1
	shift
	docker run --rm --network none "$@" -v "$scratch/app:/store:ro" \
	    -v "$_vol:/var/lib/prometheus/node-exporter" xml2prom:test /store/store.xml
}
peek() {	# VOLUME: its store.prom, and who owns it
	docker run --rm --network none -v "$1:/v:ro" --entrypoint /bin/sh \
	    xml2prom-test/debian:bookworm -c 'stat -c "%u %a" /v/store.prom; cat /v/store.prom'
}
run_into plain
check "a run writes store.prom into a named volume, as 65534" test $? -eq 0
peek plain >"$scratch/plain"
check "...owned by 65534, mode 644: node_exporter's user reads it" \
    test "$(head -n 1 "$scratch/plain")" = "65534 644"
run_into locked --read-only --cap-drop ALL --security-opt no-new-privileges
check "--read-only --cap-drop ALL --security-opt no-new-privileges: the run works" test $? -eq 0
peek locked >"$scratch/locked"
check "...and writes the same metrics" cmp <(normalize <"$scratch/plain") <(normalize <"$scratch/locked")
tail -n +2 "$scratch/locked" >"$scratch/locked.prom"
check "...which promtool accepts" promtool_clean "$scratch/locked.prom"

# --- the trap node_exporter's issues tell of: a bind mount root owns
mkdir -p "$scratch/tf-root"
chmod 0755 "$scratch/tf-root"
docker run --rm --network none -v "$scratch/app:/store:ro" -v "$scratch/tf-root:/var/lib/prometheus/node-exporter" \
    xml2prom:test --check /store/store.xml >"$scratch/trap" 2>&1
check "a root-owned bind mount: --check exits 3" test $? -eq 3
check "...naming the directory and the user" \
    grep -q '/var/lib/prometheus/node-exporter: not writable by user nobody' "$scratch/trap" || cat "$scratch/trap"

docker run --rm --network none -v "$scratch/app:/store:ro" -v "plain:/var/lib/prometheus/node-exporter:ro" \
    xml2prom:test --check /store/store.xml >"$scratch/trap" 2>&1
check "a textfile volume mounted read-only: --check exits 3" test $? -eq 3
check "...saying so" grep -q 'Read-only file system' "$scratch/trap" || cat "$scratch/trap"

# --- node_exporter's, Prometheus' and Alertmanager's images, from Debian
t0=$(date +%s)
for t in node-exporter prometheus alertmanager; do
	docker build -q --network host --build-arg BASE=xml2prom-test/debian:bookworm \
	    --target "$t" -t "xml2prom-test/$t" -f "$top/tests/docker/Dockerfile.peers" \
	    "$top/tests/docker" >"$scratch/peer.log" 2>&1 ||
	    { cat "$scratch/peer.log"; break; }
done
check "node_exporter, Prometheus, Alertmanager images made from Debian's packages" \
    sh -c "'$docker_cli' image inspect xml2prom-test/alertmanager >/dev/null"
echo "# their images made in $(( $(date +%s) - t0 )) s"

# --- the compose stack, as shipped; only images, addresses and for: differ
stack=$scratch/stack
cp -r "$top/examples/docker" "$stack"
ne=$(free_port); pr=$(free_port); am=$(free_port)
sed -i "s/127.0.0.1:9100/127.0.0.1:$ne/; s/127.0.0.1:9093/127.0.0.1:$am/; s/15s/1s/g" "$stack/prometheus.yml"
sed -i 's/group_wait: 10s/group_wait: 1s/' "$stack/alertmanager.yml"
sed 's/for: [0-9]*m/for: 5s/' "$top/examples/alerts.rules.yml" >"$stack/rules.yml"
export XML2PROM_IMAGE=xml2prom:test NODE_EXPORTER_IMAGE=xml2prom-test/node-exporter \
    PROMETHEUS_IMAGE=xml2prom-test/prometheus ALERTMANAGER_IMAGE=xml2prom-test/alertmanager \
    STORE_DIR="$scratch/app" ALERT_RULES=./rules.yml NODE_EXPORTER_ADDRESS="127.0.0.1:$ne" \
    PROMETHEUS_ADDRESS="127.0.0.1:$pr" ALERTMANAGER_ADDRESS="127.0.0.1:$am"
compose() { (cd "$stack" && docker-compose -p "$project" -f compose.yml "$@"); }
compose_down() { compose down -v >/dev/null 2>&1; }
cleanup_hooks="compose_down $cleanup_hooks"
# xml2prom's image is never pulled (Compose v2 obeys this; 1.29 accepts
# it, ignores it); node_exporter never copies its own directory into the
# shared volume.
compose config >"$scratch/config" 2>&1
check "compose: xml2prom's image is never pulled" \
    sh -c "sed -n '/^  xml2prom:/,/^  [a-z]/p' '$scratch/config' | grep -q 'pull_policy: never'"
check "compose: node_exporter mounts the textfile volume read-only, nocopy" \
    sh -c "sed -n '/^  node-exporter:/,/^  [a-z]/p' '$scratch/config' | grep -q 'nocopy: true'"
compose up -d >"$scratch/up.log" 2>&1
check "docker-compose up: the stack starts" test $? -eq 0 || cat "$scratch/up.log"
for svc in xml2prom node-exporter prometheus alertmanager; do
	c=$(compose ps -q "$svc")
	check "$svc: read-only, every capability dropped, no new privileges" \
	    test "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}' "$c")" \
	    = "true [ALL] [no-new-privileges:true]"
done
metrics() { curl -sf "http://127.0.0.1:$ne/metrics"; }
served() { metrics | grep -q "$1"; }
check "node_exporter serves the metrics xml2prom wrote into the shared volume" \
    wait_for 30 served '^store_total_rows{path="/store/store.xml"} 6$'
check "...with no textfile error" wait_for 10 served '^node_textfile_scrape_error 0$'
check "Prometheus scrapes them" wait_for 30 sh -c \
    "curl -sf 'http://127.0.0.1:$pr/api/v1/query?query=store_total_rows' | grep -q '\"value\":\[[0-9.]*,\"6\"\]'"

# --watch in a container: the store replaced by rename on the host.
sed 's/type="dvd"/type="bluray"/' "$top/examples/store.xml" >"$scratch/app/.store.new"
chmod 0644 "$scratch/app/.store.new"
t0=$(date +%s%N)
mv "$scratch/app/.store.new" "$scratch/app/store.xml"
wait_for 10 served 'type="bluray"'
seen=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# --watch in a container: a store replaced by rename served by node_exporter after $seen ms (polled every 200 ms)"
check "--watch in a container sees a store replaced by rename within a second" test "$seen" -lt 1500

# A store made unreadable reaches Alertmanager as the shipped alert.
chmod 0600 "$scratch/app/store.xml"
t0=$(date +%s)
alerted() {
	curl -sf "http://127.0.0.1:$am/api/v2/alerts" >"$scratch/alerts" &&
	    python3 -c 'import json, sys
alerts = json.load(open(sys.argv[1]))
sys.exit(not any(a["labels"].get("alertname") == "XmlStoreUnreadable" and
    a["labels"].get("reason") == "permission" and
    a["labels"].get("path") == "/store/store.xml" for a in alerts))' "$scratch/alerts"
}
check "an unreadable store reaches Alertmanager as XmlStoreUnreadable{reason=\"permission\"}" \
    wait_for 60 alerted || cat "$scratch/alerts"
echo "# the alert reached Alertmanager $(( $(date +%s) - t0 )) s after chmod (for: 5s in the test)"
chmod 0644 "$scratch/app/store.xml"

# docker stop: status 0, at once, the file whole.
container=$(compose ps -q xml2prom)
t0=$(date +%s%N)
docker stop "$container" >/dev/null
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# docker stop took $stop_ms ms"
check "docker stop: xml2prom exits 0" test "$(docker inspect -f '{{.State.ExitCode}}' "$container")" = 0
check "...within a second, not killed after the grace period" test "$stop_ms" -lt 2000
vol=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/var/lib/prometheus/node-exporter"}}{{.Name}}{{end}}{{end}}' "$container")
docker run --rm --network none -v "$vol:/v:ro" --entrypoint /bin/sh xml2prom-test/debian:bookworm \
    -c 'ls -A /v; cat /v/store.prom' >"$scratch/after-stop"
check "...leaving no temp file" test "$(head -n 2 "$scratch/after-stop" | tr '\n' ' ')" = ".store.prom.lock store.prom "
tail -n +3 "$scratch/after-stop" >"$scratch/after-stop.prom"
check "...and the file whole" promtool_clean "$scratch/after-stop.prom"

compose down -v >"$scratch/down.log" 2>&1
check "docker-compose down -v: the stack is gone" \
    sh -c "test -z \"\$('$docker_cli' ps -aq)\" && ! '$docker_cli' volume ls -q | grep -q '^${project}_'" ||
    cat "$scratch/down.log"

# --- the exporter variant (compose-exporter.yml, issue 32): Prometheus
# scrapes xml2prom's /metrics itself, no node_exporter, no textfile volume
xstack=$scratch/xstack
cp -r "$top/examples/docker" "$xstack"
xp=$(free_port); xpr=$(free_port)
sed -i "s/127.0.0.1:10723/127.0.0.1:$xp/; s/15s/1s/g" "$xstack/prometheus-exporter.yml"
xcompose() {
	(cd "$xstack" && XML2PROM_ADDRESS="127.0.0.1:$xp" PROMETHEUS_ADDRESS="127.0.0.1:$xpr" \
	    docker-compose -p "${project}x" -f compose-exporter.yml "$@")
}
xcompose_down() { xcompose down -v >/dev/null 2>&1; }
cleanup_hooks="xcompose_down $cleanup_hooks"
xcompose config >"$scratch/xconfig" 2>&1
check "compose-exporter: xml2prom's image is never pulled" \
    sh -c "sed -n '/^  xml2prom:/,/^  [a-z]/p' '$scratch/xconfig' | grep -q 'pull_policy: never'"
xcompose up -d >"$scratch/xup.log" 2>&1
check "compose-exporter up: xml2prom and Prometheus start" test $? -eq 0 || cat "$scratch/xup.log"
for svc in xml2prom prometheus; do
	c=$(xcompose ps -q "$svc")
	check "compose-exporter: $svc read-only, every capability dropped, no new privileges" \
	    test "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}' "$c")" \
	    = "true [ALL] [no-new-privileges:true]"
done
xc=$(xcompose ps -q xml2prom)
check "...xml2prom's one mount the store's, read-only; no tmpfs" \
    test "$(docker inspect -f '{{range .Mounts}}{{.Destination}}:{{.RW}} {{end}}{{.HostConfig.Tmpfs}}' "$xc")" = "/store:false map[]"
check "...and it can write nowhere (/, /tmp, /store, /var/tmp)" docker exec "$xc" /bin/sh -c \
    'for d in / /tmp /store /var/tmp; do touch "$d/probe" 2>/dev/null && exit 1; done; exit 0'
xserved() { curl -sf "http://127.0.0.1:$xp/metrics" | grep -q "$1"; }
check "xml2prom serves /metrics where told, the store read in its container" \
    wait_for 30 xserved '^store_total_rows{path="/store/store.xml"} 6$'
prom_query() {	# EXPR: the query's series as "labels value" lines, sorted
	curl -sfG "http://127.0.0.1:$xpr/api/v1/query" --data-urlencode "query=$1" |
	    python3 -c 'import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    m = r["metric"]; m.pop("instance", None); m.pop("job", None)
    print(",".join("%s=%s" % kv for kv in sorted(m.items())), r["value"][1])' | sort
}
target_up() {
	curl -sf "http://127.0.0.1:$xpr/api/v1/targets" | python3 -c 'import json, sys
t = [a for a in json.load(sys.stdin)["data"]["activeTargets"] if a["labels"]["job"] == "xml2prom"]
sys.exit(not (len(t) == 1 and t[0]["health"] == "up" and t[0]["scrapeUrl"] == sys.argv[1]))' \
	    "http://127.0.0.1:$xp/metrics"
}
check "Prometheus's target for xml2prom is up" wait_for 30 target_up ||
    curl -s "http://127.0.0.1:$xpr/api/v1/targets"
# What a one-shot run of the same store counts, as Prometheus would label it.
"$XML2PROM" -o - "$scratch/app/store.xml" |
    awk '/^store_(rows|total_rows|read_success)\{/ { print }' |
    sed 's|path="[^"]*"|path="/store/store.xml"|' |
    python3 -c 'import re, sys
for line in sys.stdin:
    name, labels, value = re.match(r"(\w+)\{(.*)\} (\S+)$", line).groups()
    pairs = dict(re.findall(r"(\w+)=\"([^\"]*)\"", labels)); pairs["__name__"] = name
    print(",".join("%s=%s" % kv for kv in sorted(pairs.items())), value)' | sort >"$scratch/x.want"
same_series() {
	prom_query '{__name__=~"store_(rows|total_rows|read_success)"}' >"$scratch/x.got" &&
	    [ -s "$scratch/x.want" ] && cmp -s "$scratch/x.want" "$scratch/x.got"
}
check "a query returns the store's series, as a one-shot run counts them" wait_for 30 same_series ||
    diff "$scratch/x.want" "$scratch/x.got"
check "...and xml2prom's own, xml2prom_build_info and xml2prom_scrape_timed_out 0" sh -c \
    "curl -sfG 'http://127.0.0.1:$xpr/api/v1/query' --data-urlencode 'query=xml2prom_build_info == 1 and on() xml2prom_scrape_timed_out == 0' | grep -q '\"result\":\[{'"
xcompose down -v >"$scratch/xdown.log" 2>&1
check "compose-exporter down -v: the stack is gone" \
    sh -c "test -z \"\$('$docker_cli' ps -aq)\" && ! '$docker_cli' volume ls -q | grep -q '^${project}x_'" ||
    cat "$scratch/xdown.log"

# --- the daemon stopped, nothing left
docker volume rm plain locked >/dev/null 2>&1
kill "$(cat "$root/docker.pid")"
wait_for 20 test ! -e "$root/docker.pid"
check "dockerd stops" test ! -e "$root/docker.pid"
# Its containerd ends a moment after it.  (A bracket in the pattern keeps
# pgrep from finding the shell that runs it.)
pattern="[${exec_root:0:1}]${exec_root:1}"
check "...and its containerd, leaving no process" wait_for 10 sh -c "! pgrep -f -- '$pattern'" ||
    pgrep -af -- "$pattern"
# dockerd leaves its network namespace mounted (netns/default): unmounted
# here, with whatever else is left, and the directories removed.
stop_dockerd
check "...no mount left" sh -c "! grep -qE '$root|$exec_root' /proc/mounts" ||
    grep -E "$root|$exec_root" /proc/mounts
check "...and no directory" test ! -e "$root" -a ! -e "$exec_root"

finish docker
