# The harder shapes a coordinator can die in, shared by the recovery, fault
# and hostile-name scenarios: a move cut off mid-copy (real Citus) and the
# leftovers it makes, and shards that lived only on the coordinator.

# app.bulk: two shards of about 80 MB each (BULK_ROWS rows, 700000 unless
# set), so that copying one takes a while; with a node given, both shards
# are created on it alone.
bulk_table() {
	local only=${1:-} name
	if [ -n "$only" ]; then
		for name in w1 w2 w3; do
			[ "$name" = "$only" ] && continue
			pgc_sql coord "SELECT citus_set_node_property('127.0.0.1', $(pgc_port "$name"), 'shouldhaveshards', false)" >/dev/null || return 1
		done
	fi
	pgc_psql coord >/dev/null <<SQL || return 1
CREATE TABLE app.bulk (k int, v text);
SELECT create_distributed_table('app.bulk', 'k', shard_count := 2, colocate_with := 'none');
INSERT INTO app.bulk SELECT t % 1000, repeat('x', 200) FROM generate_series(1, ${BULK_ROWS:-700000}) t;
SQL
	[ -z "$only" ] && return 0
	for name in w1 w2 w3; do
		pgc_sql coord "SELECT citus_set_node_property('127.0.0.1', $(pgc_port "$name"), 'shouldhaveshards', true)" >/dev/null || return 1
	done
}

bulk_checksum() {
	pgc_sql "$1" "SELECT count(*) || ':' || sum(k) || ':' || sum(length(v)) FROM app.bulk"
}

# wait_for_slot NODE: true once a replication slot of a move or split exists there
wait_for_slot() {
	local i=0
	while [ $i -lt 300 ]; do
		[ "$(pgc_sql "$1" "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'citus\_shard\_%'" 2>/dev/null)" -gt 0 ] 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# The coordinator dies while SQL (a move or a rebalance) runs on it, once
# the source has a slot: in the middle of the copy.
cut_off() {
	local source=$1 sql=$2
	pgc_sql coord "$sql" >/dev/null 2>&1 &
	wait_for_slot "$source" || { wait; return 1; }
	sleep 0.3
	pgc_destroy coord
	wait
	return 0
}

# move_cut_off TABLE|SHARD: the coordinator dies while it moves SHARD, or
# TABLE's first shard on a worker, from its node (MOVE_SOURCE) to another
# worker, in the middle of the copy
move_cut_off() {
	local which shard source name
	case $1 in
		*[!0-9]*) which="s.logicalrelid = '$1'::regclass" ;;
		*) which="s.shardid = $1" ;;
	esac
	read -r shard source < <(pgc_sql coord "SELECT s.shardid, n.nodeport FROM pg_dist_shard s
	    JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid)
	   WHERE $which AND n.groupid > 0 ORDER BY 1 LIMIT 1" | tr '|' ' ')
	[ -n "$shard" ] || return 1
	MOVE_SOURCE=
	for name in w1 w2 w3; do [ "$(pgc_port "$name")" = "$source" ] && MOVE_SOURCE=$name; done
	for name in w1 w2 w3; do [ "$name" != "$MOVE_SOURCE" ] && MOVE_TARGET=$name && break; done
	cut_off "$MOVE_SOURCE" "SELECT citus_move_shard_placement($shard, '127.0.0.1', $source, '127.0.0.1', $(pgc_port "$MOVE_TARGET"), shard_transfer_mode := 'force_logical')"
}

# A slot holds back the WAL of everything written after it: about 10 MB
churn() {
	pgc_sql "$1" "CREATE TABLE public.churn AS SELECT g, repeat('w', 500) AS pad FROM generate_series(1, 20000) g" >/dev/null
}


# Citus's own objects of moves and splits, and shard tables of app.bulk or
# app.accounts that no placement on the node refers to: "slots/publications/
# subscriptions/roles/shard tables" as one line per node
leftovers_on() {
	pgc_sql "$1" "SET citus.override_table_visibility = off;
	              SELECT (SELECT count(*) FROM pg_replication_slots) || '/' || (SELECT count(*) FROM pg_publication)
	                     || '/' || (SELECT count(*) FROM pg_subscription)
	                     || '/' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'citus\_shard\_%')
	                     || '/' || (SELECT count(*) FROM pg_class c WHERE c.relname ~ '^(bulk|accounts)_[0-9]{5,}$'
	                                  AND NOT EXISTS (SELECT 1 FROM pg_dist_placement p
	                                                   WHERE p.shardid = substring(c.relname FROM '[0-9]+$')::bigint
	                                                     AND p.groupid = (SELECT groupid FROM pg_dist_local_group)))"
}

all_leftovers() {
	local name out=""
	for name in $(fixture_survivors); do
		out="$out $name:$(leftovers_on "$name")"
	done
	echo "${out# }"
}

# --- shards that lived only on the coordinator ------------------------------------
# The ids of the shards with no placement outside the coordinator, and the
# rows of the others, read while the coordinator still answers.
lost_shard_ids() {
	pgc_sql coord "SELECT string_agg(shardid::text, ' ' ORDER BY shardid) FROM pg_dist_shard s
	               WHERE NOT EXISTS (SELECT 1 FROM pg_dist_placement p WHERE p.shardid = s.shardid AND p.groupid <> 0)"
}

surviving_rows() {
	local lost=${LOST// /,}
	pgc_sql "$1" "SELECT (SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY tenant_id, id)) FROM app.accounts a
	                       WHERE get_shard_id_for_distribution_column('app.accounts', tenant_id) NOT IN ($lost))
	               || '/' || (SELECT count(*) || ':' || md5(string_agg(o::text, ',' ORDER BY tenant_id, id)) FROM app.orders o
	                       WHERE get_shard_id_for_distribution_column('app.orders', tenant_id) NOT IN ($lost))"
}

# A tenant whose rows lived in a lost shard of app.accounts
lost_tenant() {
	pgc_sql coord "SELECT t FROM generate_series(0, 49) t
	               WHERE get_shard_id_for_distribution_column('app.accounts', t) IN (${LOST// /,}) LIMIT 1"
}
