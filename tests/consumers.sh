#!/bin/bash
# consumers.sh: xml2prom's files read by the real programs: node_exporter's
# textfile collector and a Prometheus server scraping it.  Both listen on
# 127.0.0.1 on free ports and are stopped when the script ends.
. "$(dirname "$0")/lib.sh"

py=/usr/bin/python3
scrape="$top/tests/scrape.py"
dir="$scratch/textfile"
mkdir -p "$dir"
store="$scratch/store.xml"
cp "$top/examples/store.xml" "$store"

stop_servers() {
	[ -n "${ne_pid:-}" ] && kill "$ne_pid" 2>/dev/null
	[ -n "${prom_pid:-}" ] && kill "$prom_pid" 2>/dev/null
	wait 2>/dev/null
}
cleanup_hooks="stop_servers"

ne_port=$(free_port)
ne="http://127.0.0.1:$ne_port/metrics"
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$dir" >"$scratch/ne.log" 2>&1 &
ne_pid=$!
check "node_exporter starts" wait_for 20 curl -sf "$ne"

# --- exact values, through node_exporter
"$XML2PROM" -d "$dir" -l 'site=Lyon "Part-Dieu" \ ✓' "$store"
check "node_exporter serves exactly the samples written" \
    $py "$scrape" same "$ne" "$dir/store.prom"
check "node_exporter sees the example's types" \
    $py "$scrape" types "$ne" "$store" book dvd magazine
odd="$top/tests/cases/type-escaping/store.xml"
"$XML2PROM" -o "$dir/odd.prom" "$odd"
check "label values with quotes, backslashes, newlines, UTF-8 survive" \
    $py "$scrape" types "$ne" "$odd" 'say "hi"' 'back\slash' $'line\nbreak' \
    $'tab\tand <angle> & amp ☺ &' '日本語' 'emoji 📚' 'Acme & co'
check "node_exporter serves the odd file exactly" \
    $py "$scrape" same "$ne" "$dir/odd.prom"
rm -f "$dir/odd.prom"

# --- hundreds of rewrites under continuous scraping
printf '<s><row type="a"/><row type="b"/><row type="b"/></s>\n' >"$scratch/small.xml"
rm -f "$scratch/stop"
$py "$scrape" hammer "$ne" "$scratch/stop" 6 3 >"$scratch/hammer" &
hammer=$!
failed_rewrites=0
for i in $(seq 1 150); do
	"$XML2PROM" -o "$dir/store.prom" "$store" ||
	    failed_rewrites=$((failed_rewrites + 1))
	"$XML2PROM" -o "$dir/store.prom" "$scratch/small.xml" ||
	    failed_rewrites=$((failed_rewrites + 1))
done
touch "$scratch/stop"
wait $hammer
hammer_status=$?
read -r scrapes bad seen < <(tail -n 1 "$scratch/hammer")
grep '^# bad' "$scratch/hammer" | head -3
check "the scraper ran to the end" test $hammer_status -eq 0
check "300 rewrites, every one exit 0 ($failed_rewrites failed)" \
    test $failed_rewrites -eq 0
check "300 rewrites under $scrapes scrapes: no scrape error, no partial value ($bad bad)" \
    test "${bad:-1}" -eq 0 -a "${scrapes:-0}" -gt 50
check "both stores' totals were served during the rewrites (seen: ${seen:-none})" \
    test "${seen:-}" = "3,6"
echo "# consumers: $scrapes scrapes during 300 rewrites, $bad bad, totals seen $seen"

# --- a real Prometheus server scraping node_exporter
prom_port=$(free_port)
prom="http://127.0.0.1:$prom_port"
cat >"$scratch/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
rule_files:
  - $top/examples/alerts.rules.yml
YML
"$XML2PROM" -o "$dir/store.prom" "$store"
prometheus --config.file="$scratch/prometheus.yml" \
    --storage.tsdb.path="$scratch/tsdb" --web.listen-address="127.0.0.1:$prom_port" \
    >"$scratch/prom.log" 2>&1 &
prom_pid=$!
check "prometheus starts" wait_for 30 curl -sf "$prom/-/ready"
value_is() {	# value_is PROMQL VALUE
	[ "$($py "$scrape" query "$prom" "$1" 2>/dev/null)" = "$2" ]
}
check "PromQL: the store's total through Prometheus" \
    wait_for 30 value_is "store_total_rows{path=\"$store\"}" 6
check "PromQL: rows by type through Prometheus" \
    wait_for 10 value_is "store_rows{path=\"$store\",type=\"book\"}" 4
cp "$scratch/small.xml" "$store"
"$XML2PROM" -o "$dir/store.prom" "$store"
check "PromQL: a rewrite shows in the next scrapes" \
    wait_for 30 value_is "store_total_rows{path=\"$store\"}" 3
check "PromQL: the alert rules load in the server" \
    sh -c "curl -sf '$prom/api/v1/rules' | grep -q XmlStoreUnreadable"
check "PromQL: no scrape error in the server's view" \
    wait_for 10 value_is "node_textfile_scrape_error" 0

# --- a histogram family through node_exporter and Prometheus
cat >"$scratch/waits.xml" <<'XML'
<waits><w t="0.5"/><w t="0.5"/><w t="1.5"/><w t="1.5"/><w t="n/a"/></waits>
XML
check "a histogram family written next to the others" \
    "$XML2PROM" -o "$dir/waits.prom" --histogram 'wait:=@t' --buckets wait=1,2 \
    "$scratch/waits.xml"
# rank 0.75 * 4 = 3 lies in (1, 2], halfway between cumulative 2 and 4: 1.5
check "PromQL: histogram_quantile over the histogram's buckets" \
    wait_for 30 value_is "histogram_quantile(0.75, sum by (le) (store_wait_bucket{path=\"$scratch/waits.xml\"}))" 1.5
check "PromQL: the histogram's count and the skipped value" \
    wait_for 10 value_is "store_wait_count{path=\"$scratch/waits.xml\"} + on(path) store_skipped_values{path=\"$scratch/waits.xml\",family=\"wait\"}" 5

# --- the Grafana dashboard's queries, evaluated by the server: each is
# valid PromQL and finds data, for the default prefix and for junit
# (Grafana itself is not packaged here: its variables are substituted as it
# would substitute them)
"$XML2PROM" -o "$dir/gone.prom" "$scratch/no-such-store.xml" 2>/dev/null
# a copy of root's: a run as root obeys no config another user may change
cp "$top/examples/junit.options" "$scratch/junit.options"
"$XML2PROM" -c "$scratch/junit.options" -o "$dir/junit.prom" \
    "$top/examples/junit.xml"
check "PromQL: the failed store and the JUnit report reach the server" \
    wait_for 30 value_is "count(junit_total_rows) + count(store_read_failure)" 2
# the zeros -i gives the type label, for another label, as the man page
# and README ask them of Prometheus: shop.Till has an error, no failure
check "PromQL: the documented query gives every class its failures, 0 included" \
    wait_for 10 value_is 'sum by (class) (junit_rows{status="failure",class="shop.Till"}) or sum by (class) (junit_rows{class="shop.Till"}) * 0' 0
check "...and the failures where there are some" \
    value_is 'sum by (class) (junit_rows{status="failure",class="shop.Shelf"}) or sum by (class) (junit_rows{class="shop.Shelf"}) * 0' 1
$py - "$top/examples/grafana-dashboard.json" "$prom" <<'PY' >"$scratch/dash-report"
import json, sys, urllib.parse, urllib.request
dash = json.load(open(sys.argv[1]))
exprs = [(p["title"], t["expr"]) for p in dash["panels"] for t in p.get("targets", [])]
def query(e):
    url = sys.argv[2] + "/api/v1/query?" + urllib.parse.urlencode({"query": e})
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)
for prefix in ("store", "junit"):
    for title, e in exprs:
        if prefix == "junit" and "read_failure" in e:
            continue    # the JUnit report reads: no failure series
        e = e.replace("${prefix}", prefix).replace("$instance", ".*") \
             .replace("$path", ".*").replace("$__rate_interval", "1m")
        res = query(e)
        n = len(res.get("data", {}).get("result", []))
        print("%s %s %d %s" % (res.get("status"), prefix, n, title))
PY
check "dashboard: every query is valid PromQL and finds data (store and junit)" \
    sh -c "test -s '$scratch/dash-report' && ! grep -v '^success [a-z]* [1-9]' '$scratch/dash-report'" ||
    grep -v '^success [a-z]* [1-9]' "$scratch/dash-report"

finish consumers
