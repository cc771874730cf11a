#!/bin/bash
# Prints how long discovery takes for 1 node and for 9 nodes, and how long
# comparing 100k placements on 4 nodes takes, as medians of several runs,
# on stand-in clusters on loopback.  Figures, not pass/fail.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
RUNS=${RUNS:-9}
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/bench/lib.sh"

# prints "elapsed_ms compare_ms" medians over RUNS runs
bench_discover() {
	local port=$1 out e=() c=() r
	for r in $(seq 1 "$RUNS"); do
		out=$("$RESCUE" discover -h 127.0.0.1 -p "$port" -U postgres --json)
		e+=("$(printf '%s' "$out" | jq .elapsed_ms)")
		c+=("$(printf '%s' "$out" | jq .compare_ms)")
	done
	echo "$(printf '%s\n' "${e[@]}" | median) $(printf '%s\n' "${c[@]}" | median)"
}

pgc_init
echo "citus-rescue discover benchmark ($RUNS runs each, medians; stand-in nodes on loopback)"

bench_cluster 1 32
read -r e1 c1 < <(bench_discover "$(pgc_port n1)")
pgc_cleanup; PGC_NODES=""; pgc_init

bench_cluster 9 32
read -r e9 c9 < <(bench_discover "$(pgc_port n1)")
pgc_cleanup; PGC_NODES=""; pgc_init

bench_cluster 4 100000
read -r e4 c4 < <(bench_discover "$(pgc_port n1)")
# one placement differs on one node: rows travel from two nodes only
pgc_sql n3 "UPDATE pg_catalog.pg_dist_placement SET groupid = 4 WHERE shardid = 102009" >/dev/null
read -r e4d c4d < <(bench_discover "$(pgc_port n1)")

printf '%-52s %8s ms\n' "discovery, 1 node (32 placements)" "$e1"
printf '%-52s %8s ms\n' "discovery, 9 nodes (32 placements)" "$e9"
printf '%-52s %8s\n' "  ratio, 9 nodes to 1 node" "$(awk "BEGIN { printf \"%.2fx\", $e9 / ($e1 > 0 ? $e1 : 1) }")"
printf '%-52s %8s ms\n' "discovery, 4 nodes, 100k placements" "$e4"
printf '%-52s %8s ms\n' "  of which comparison, all agreeing" "$c4"
printf '%-52s %8s ms\n' "discovery, 4 nodes, 100k placements, one differs" "$e4d"
printf '%-52s %8s ms\n' "  of which comparison, with row diff" "$c4d"
