#!/bin/bash
# Time from a key to the finished redraw in the wizard, over a discovery of
# 100,000 placements on 16 stand-in nodes on loopback: the median and the
# 99th percentile for scrolling, paging, switching views and moving the
# compare cursor, from headless key scripts (CITUS_RESCUE_KEY_TIMES).
# Goal: under 50 ms each.  Figures, not pass/fail.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
NODES=${NODES:-16}
PLACEMENTS=${PLACEMENTS:-100000}
REPEAT=${REPEAT:-40}
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/bench/lib.sh"

# repeat N LINE...: the lines, N times over
repeat() {
	local n=$1 i; shift
	for i in $(seq 1 "$n"); do
		printf '%s\n' "$@"
	done
}

key_script() {
	echo "label connect: the first key"
	echo "key ENTER"
	echo "wait 600"
	echo "label discover: scroll a line"
	repeat "$REPEAT" "key DOWN"
	echo "label discover: page"
	repeat "$((REPEAT / 2))" "key PGDN" "key PGUP"
	echo "key ENTER"
	echo "label compare: move the cursor"
	repeat "$((REPEAT / 2))" "key DOWN" "key UP"
	echo "label compare: another node's view"
	repeat "$((REPEAT / 2))" "key ]" "key ["
	echo "label compare: switch view"
	repeat "$((REPEAT / 3))" "key v" "key v" "key v"
	echo "label compare: switch pane"
	repeat "$REPEAT" "key TAB"
	echo "label compare: page the placements"
	echo "key TAB"
	repeat "$((REPEAT / 2))" "key PGDN" "key PGDN" "key PGUP"
	echo "label compare: scroll sideways"
	repeat "$((REPEAT / 2))" "key RIGHT" "key LEFT"
	echo "key TAB"
	echo "label compare: move the cursor, placements shown"
	repeat "$((REPEAT / 2))" "key DOWN" "key DOWN" "key UP"
	echo "key CTRL-C"
	echo "text y"
}

pgc_init
echo "citus-rescue wizard key-to-redraw benchmark: $NODES stand-in nodes, $PLACEMENTS placements"
bench_cluster "$NODES" "$PLACEMENTS"
# a few hundred shards placed differently on two nodes: differences to mark
pgc_sql n3 "UPDATE pg_catalog.pg_dist_placement SET groupid = 1 + (groupid % $NODES) WHERE shardid % 500 = 7" >/dev/null
pgc_sql n9 "DELETE FROM pg_catalog.pg_dist_placement WHERE shardid % 700 = 3" >/dev/null

work=$PGC_ROOT/bench
mkdir -p "$work"
key_script >"$work/keys"
for size in 80x24 132x43; do
	start=$(date +%s%N)
	TERM=xterm COLUMNS=${size%x*} LINES=${size#*x} CITUS_RESCUE_KEYS="$work/keys" CITUS_RESCUE_KEY_TIMES="$work/times" \
		"$RESCUE" wizard -h 127.0.0.1 -p "$(pgc_port n1)" -U postgres >/dev/null 2>&1
	echo
	echo "$size: whole script, discovery included: $((($(date +%s%N) - start) / 1000000)) ms"
	printf '%-48s %6s %10s %10s\n' "keys" "count" "median ms" "p99 ms"
	cut -f1 "$work/times" | awk '!seen[$0]++' | while IFS= read -r label; do
		awk -F'\t' -v l="$label" '$1 == l { print $2 / 1000 }' "$work/times" >"$work/one"
		printf '%-48s %6d %10.2f %10.2f\n' "$label" "$(wc -l <"$work/one")" "$(median <"$work/one")" "$(percentile 99 <"$work/one")"
	done
done
