# What the benchmarks share: medians and percentiles, and stand-in
# clusters with identical metadata on every node.

median() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# percentile P: the P-th percentile of the numbers on stdin (nearest rank)
percentile() {
	sort -n | awk -v p="$1" '{ a[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; print a[r] }'
}

# bench_cluster N PLACEMENTS: N stand-in nodes, each in pg_dist_node as a
# metadata worker of its own group, one hash table of PLACEMENTS shards
# spread over the groups
bench_cluster() {
	local n=$1 placements=$2 i
	for i in $(seq 1 "$n"); do
		pgc_start "n$i" || exit 1
		pgc_psql "n$i" -v layout=13.2 -f "$top_srcdir/tests/standin/citus-standin.sql" >/dev/null
	done
	for i in $(seq 1 "$n"); do
		{
			echo "BEGIN;"
			for j in $(seq 1 "$n"); do
				echo "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, metadatasynced) VALUES ($j, $j, '127.0.0.1', $(pgc_port "n$j"), true, true);"
			done
			echo "INSERT INTO pg_catalog.pg_dist_local_group VALUES ($i);"
			echo "CREATE TABLE public.t (k int);"
			echo "INSERT INTO pg_catalog.pg_dist_colocation VALUES (1, $placements, 1, 'int4'::regtype, 0);"
			echo "INSERT INTO pg_catalog.pg_dist_partition VALUES ('public.t', 'h', '{VAR :varattno 1}', 1, 's', false);"
			echo "INSERT INTO pg_catalog.pg_dist_shard SELECT 'public.t', 102008 + g, 't', g::text, g::text FROM generate_series(1, $placements) g;"
			echo "INSERT INTO pg_catalog.pg_dist_placement SELECT g, 102008 + g, 1, 0, 1 + g % $n FROM generate_series(1, $placements) g;"
			echo "COMMIT;"
		} | pgc_psql "n$i" >/dev/null
	done
}
