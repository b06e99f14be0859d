#!/bin/bash
# faults.sh: the promise to node_exporter under failure.  Whatever happens
# to a run (a full disk, an I/O error, a kill at the worst moment, runs
# that overlap, a store rewritten under it) the .prom file is the old one
# or the new one, whole, and no temp file outlives the next run.
# System call failures and kills are injected with strace.
. "$(dirname "$0")/lib.sh"

out="$scratch/out"
mkdir -p "$out"
target="$out/store.prom"
small="$top/examples/store.xml"
big="$scratch/big.xml"
"$top"/build/genstore 1000000 >"$big"

no_temp() { [ -z "$(find "$out" -name '.store.prom.??????')" ]; }

fresh_target() {
	"$XML2PROM" -o "$target" "$small" || return 1
	cp "$target" "$scratch/previous"
}

# inject NAME SYSCALLS ERRNO: one injected failure, exit 3, old file whole.
inject() {
	fresh_target
	strace -o /dev/null -e trace="$2" -e inject="$2:error=$3:when=1" \
	    "$XML2PROM" -o "$target" "$big" 2>"$scratch/err"
	status=$?
	check "$1: exit 3" test $status -eq 3
	check "$1: one line naming the output" sh -c \
	    "test \$(wc -l <'$scratch/err') -eq 1 && grep -q '$target' '$scratch/err'"
	check "$1: previous file untouched" cmp -s "$scratch/previous" "$target"
	check "$1: temp file removed" no_temp
}

inject "ENOSPC on write" write ENOSPC
inject "EIO on fsync" fsync EIO
inject "EXDEV on rename" renameat EXDEV
inject "EACCES on rename" renameat EACCES

# kill_at NAME SYSCALL SIGNAL: the run dies there; old file whole.
kill_at() {
	fresh_target
	# A subshell, so the shell's "Killed" notice goes to /dev/null too.
	( strace -o /dev/null -e trace="$2" -e inject="$2:signal=$3:when=1" \
	    "$XML2PROM" -o "$target" "$small" ) 2>/dev/null
	check "$1: old file intact" cmp -s "$scratch/previous" "$target"
}

for call in write fsync renameat; do
	kill_at "SIGKILL at $call" $call SIGKILL 2>/dev/null
	"$XML2PROM" -o "$target" "$small"
	check "SIGKILL at $call: the next run removes the temp file" no_temp
done
# strace kills on entry, so "SIGKILL at rename" never lets rename run.
# The second fsync is the directory's, after rename has returned: a kill
# there leaves the new file in place, whole.
fresh_target
printf '<s><row type="new"/></s>\n' >"$scratch/new.xml"
( strace -o /dev/null -e trace=fsync -e inject=fsync:signal=SIGKILL:when=2 \
    "$XML2PROM" -o "$target" "$scratch/new.xml"; echo $? >"$scratch/status" ) 2>/dev/null
check "SIGKILL between rename and the directory fsync: the run was killed" \
    test "$(cat "$scratch/status")" -eq 137
check "SIGKILL between rename and the directory fsync: the new file in place" \
    grep -q '^store_rows{.*type="new"} 1$' "$target"
check "SIGKILL between rename and the directory fsync: the new file, whole" \
    promtool_clean "$target"
check "SIGKILL between rename and the directory fsync: no temp file" no_temp

for sig in SIGTERM SIGINT SIGHUP; do
	kill_at "$sig at fsync" fsync $sig 2>/dev/null
	check "$sig at fsync: temp file removed at once" no_temp
done

# SIGTERM in the middle of a long read: nothing written, nothing left.
fresh_target
"$XML2PROM" -o "$target" "$big" &
pid=$!
wait_open $pid "$big"
kill -TERM $pid
wait $pid
check "SIGTERM mid-read: killed by the signal" test $? -eq 143
check "SIGTERM mid-read: old file intact" cmp -s "$scratch/previous" "$target"
check "SIGTERM mid-read: no temp file" no_temp

# SIGKILL at random moments of long runs: the file is always whole.
expected_big=$("$XML2PROM" -o - "$big" | grep '^store_total_rows')
kills=0
whole=0
for i in $(seq 1 25); do
	"$XML2PROM" -o "$target" "$big" &
	pid=$!
	sleep "0.$(( (RANDOM % 40) + 5 ))"
	kill -KILL $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	total=$(grep '^store_total_rows' "$target")
	if promtool_clean "$target" >/dev/null &&
	    { [ "$total" = "$expected_big" ] || cmp -s "$target" "$scratch/previous"; }; then
		whole=$((whole + 1))
	fi
done
check "random SIGKILLs ($kills kills in 25 runs): file whole every time ($whole/25)" \
    test $whole -eq 25
"$XML2PROM" -o "$target" "$big"
check "random SIGKILLs: the next run leaves no temp file" no_temp
echo "# random kills: $kills of 25 runs killed, $whole/25 files whole"

# A killed lock holder releases the lock with its death.
"$XML2PROM" -o "$target" "$big" &
pid=$!
sleep 0.2
kill -KILL $pid; wait $pid 2>/dev/null
"$XML2PROM" -o "$target" "$small"
check "a SIGKILLed holder's lock is free for the next run" test $? -eq 0

# Overlapping runs: each ends cleanly, exit 0 or 4, the file whole.
statuses=""
pids=""
for i in 1 2 3 4 5 6 7 8; do
	( "$XML2PROM" -o "$target" "$big" 2>/dev/null; echo $? >"$scratch/st.$i" ) &
	pids="$pids $!"
done
wait $pids
for i in 1 2 3 4 5 6 7 8; do statuses="$statuses$(cat "$scratch/st.$i")"; done
check "8 overlapping runs exit 0 or 4 only ($statuses)" \
    sh -c "echo '$statuses' | grep -qE '^[04]+\$'"
check "8 overlapping runs: at least one wrote" sh -c "echo '$statuses' | grep -q 0"
check "8 overlapping runs: at least one found the lock held" sh -c "echo '$statuses' | grep -q 4"
check "8 overlapping runs: the file is whole" promtool_clean "$target"
check "8 overlapping runs: the file has the right counts" \
    test "$(grep '^store_total_rows' "$target")" = "$expected_big"
check "8 overlapping runs: no temp file" no_temp

# A store rewritten in place while read is not trusted...
cp "$big" "$scratch/moving.xml"
"$XML2PROM" -o "$target" "$scratch/moving.xml" 2>"$scratch/err" &
pid=$!
wait_open $pid "$scratch/moving.xml"
printf '<store><row type="new"/></store>\n' >"$scratch/moving.xml"
wait $pid
check "a store truncated while read: exit 1" test $? -eq 1
check "a store truncated while read: read_success 0" \
    grep -q '^store_read_success{.*} 0$' "$target"
check "a store truncated while read: named in one line" sh -c \
    "test \$(wc -l <'$scratch/err') -eq 1 && grep -q moving.xml '$scratch/err'"
check "a store truncated while read: said to have changed, not to be broken" \
    grep -q 'moving.xml: changed while being read' "$scratch/err"
check "a store truncated while read: reason \"changed\" in the metrics" \
    grep -q '^store_read_failure{.*,reason="changed"} 1$' "$target"
# ...but one replaced by rename is read whole, as it was when opened.
cp "$big" "$scratch/moving.xml"
"$XML2PROM" -o "$target" "$scratch/moving.xml" &
pid=$!
wait_open $pid "$scratch/moving.xml"
printf '<store><row type="new"/></store>\n' >"$scratch/replacement.xml"
mv "$scratch/replacement.xml" "$scratch/moving.xml"
wait $pid
check "a store replaced by rename while read: exit 0" test $? -eq 0
check "a store replaced by rename while read: the old version's counts" \
    test "$(grep '^store_total_rows' "$target" | sed 's/moving/big/')" = \
    "$(echo "$expected_big")"

finish faults
