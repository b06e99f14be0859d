#!/bin/bash
# realfiles.sh: labels and values on real stores nobody here wrote, each
# checked series by series against lxml (tests/realfiles.py), and each
# output against promtool's lint:
#   XCCDF    Debian's ssg-debian benchmarks: rules by severity x area
#   JUnit    a report python3-xmlrunner writes here: test cases by class x
#            status, a duration histogram, the run's start (date:seconds)
#   polkit   the action policies on this host: actions by their defaults
#   nmap     a loopback scan made now: ports by state and service (the
#            attributes of children), their TTLs summed
#   ARF      OpenSCAP results made now (--results-arf): rule results by
#            result and severity, the scan's time
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
ref="$top/tests/realfiles.py"

agree() {	# agree NAME LXML_ROWS NS... -- OPTIONS... FILES...
	local name=$1
	shift
	check "$name: xml2prom = lxml, series by series" \
	    sh -c '"$@" >"$0" 2>&1 || { cat "$0"; exit 1; }' "$scratch/out" \
	    $py "$ref" "$XML2PROM" "$@"
	grep '^# ' "$scratch/out" | head -3
}

lint() {	# lint NAME OPTIONS... FILES...
	local name=$1
	shift
	check "$name: promtool check metrics" \
	    sh -c 'out=$("$0" "$@" -o -) && [ -n "$out" ] &&
	    printf "%s\n" "$out" | promtool check metrics' "$XML2PROM" "$@"
}

# --- XCCDF: every Debian benchmark ssg-debian ships
x=http://checklists.nist.gov/xccdf/1.2
xccdf_opts=(-r //Rule -n "x=$x" -b severity=@severity
    -b 'area=ancestor::x:Group[last()-1]/@id'
    --sum 'references:severity=count(x:reference)'
    --histogram 'description_length:severity=string-length(x:description)'
    --buckets description_length=100,500,1000,5000)
set -- /usr/share/xml/scap/ssg/content/ssg-debian*-xccdf.xml
check "ssg-debian ships XCCDF benchmarks" test -f "$1"
for f in "$@"; do
	agree "XCCDF $(basename "$f")" '//x:Rule' "x=$x" -- "${xccdf_opts[@]}" "$f"
done
lint "XCCDF" "${xccdf_opts[@]}" "$@"

# --- JUnit: a report written now by python3-xmlrunner
junit_report "$scratch/junit"
junit="$scratch/junit/junit.xml"
check "python3-xmlrunner wrote a JUnit report" grep -q '<testcase' "$junit"
junit_opts=(-r //testcase -b class=@classname
    -b 'status=name(failure|error|skipped)' --missing status=passed
    --histogram 'duration:class=@time' --buckets duration=0.001,0.01,0.1,1
    --max 'slowest:class=@time' --min 'started:=date:seconds(../@timestamp)')
agree "JUnit" '//testcase' -- "${junit_opts[@]}" "$junit"
lint "JUnit" "${junit_opts[@]}" "$junit"
check "JUnit: the failed test counted by class and status" \
    sh -c "'$XML2PROM' -o - ${junit_opts[*]@Q} '$junit' |
    grep -qx 'store_rows{path=\"$junit\",class=\"t_shop.Shelf\",status=\"failure\"} 1'"

# --- polkit: the action policies on this host, several files in one run
set -- /usr/share/polkit-1/actions/*.policy
check "this host has polkit action policies" test -f "$1"
polkit_opts=(-r //action -b allow_active=defaults/allow_active
    -b allow_any=defaults/allow_any --sum 'messages:allow_any=count(message)')
agree "polkit" '//action' -- "${polkit_opts[@]}" "$@"
lint "polkit" "${polkit_opts[@]}" "$@"

# --- nmap: a loopback scan, one port open (a listener of ours)
port=$(( 47000 + RANDOM % 1000 ))
$py -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(20)' $port &
listener=$!
sleep 0.5
timeout 60 nmap -oX "$scratch/nmap.xml" -p "20-25,79-81,443,$port" 127.0.0.1 >/dev/null 2>&1
kill $listener 2>/dev/null; wait $listener 2>/dev/null
check "nmap wrote a scan with an open port" grep -q 'state="open"' "$scratch/nmap.xml"
nmap_opts=(-r //port -b state=state/@state -b service=service/@name
    --missing service=none --sum 'ttl:state=state/@reason_ttl')
agree "nmap" '//port' -- "${nmap_opts[@]}" "$scratch/nmap.xml"
lint "nmap" "${nmap_opts[@]}" "$scratch/nmap.xml"

# --- OpenSCAP: ARF results of a Debian benchmark
ds=$(ls /usr/share/xml/scap/ssg/content/ssg-debian*-ds.xml | tail -n 1)
timeout 120 oscap xccdf eval --profile xccdf_org.ssgproject.content_profile_anssi_np_nt28_minimal \
    --results-arf "$scratch/arf.xml" "$ds" >/dev/null 2>&1
check "oscap wrote ARF results" grep -q '<rule-result' "$scratch/arf.xml"
arf_opts=(-r //rule-result -n "x=$x" -b result=x:result -b severity=@severity
    --max 'scanned:=date:seconds(@time)' --sum 'weight:result=@weight')
agree "ARF" '//x:rule-result' "x=$x" -- "${arf_opts[@]}" "$scratch/arf.xml"
lint "ARF" "${arf_opts[@]}" "$scratch/arf.xml"
rm -f "$scratch/arf.xml"

finish realfiles
