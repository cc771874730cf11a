# The rehearsal cluster: one coordinator and three workers, a
# hash-distributed table, a co-located one, a reference table and rows.
#
# FIXTURE_TIER=standin builds it on plain PostgreSQL with the stand-in
# catalogs (tests/standin/citus-standin.sql); FIXTURE_TIER=real builds it
# with the citus extension.
#
#   fixture_create [--cim exclude] [--remove-worker] [--layout 12.1] [--local-table]
#                  [--coordinator-shards]   (real Citus: the coordinator holds shards too)
#
# Nodes are named coord, w1, w2, w3; w1 is in group 1 unless removed.

FIXTURE_TIER=${FIXTURE_TIER:-standin}
FIXTURE_SHARDS=8

# FIXTURE_CITUS_VERSION=X.Y.Z: the Citus version the stand-in reports
# instead of its layout's
fixture_standin_catalogs() {
	local name=$1 layout=$2
	pgc_psql "$name" -v layout="$layout" ${FIXTURE_CITUS_VERSION:+-v citus_version="$FIXTURE_CITUS_VERSION"} \
		-f "$top_srcdir/tests/standin/citus-standin.sql" >/dev/null
}

fixture_tables_sql() {
	cat <<'SQL'
CREATE SCHEMA app;
CREATE TABLE app.accounts (tenant_id int NOT NULL, id bigserial, name text,
                           PRIMARY KEY (tenant_id, id));
CREATE TABLE app.orders (tenant_id int NOT NULL, id serial, account_id bigint,
                         amount numeric(12,2), PRIMARY KEY (tenant_id, id));
CREATE TABLE app.currencies (code text PRIMARY KEY, name text);
SQL
}

fixture_rows_sql() {
	cat <<'SQL'
INSERT INTO app.currencies VALUES ('EUR', 'Euro'), ('USD', 'US dollar'), ('JPY', 'Yen');
INSERT INTO app.accounts (tenant_id, name)
     SELECT t % 50, 'account ' || t FROM generate_series(1, 500) t;
INSERT INTO app.orders (tenant_id, account_id, amount)
     SELECT t % 50, t % 500 + 1, (t * 7 % 1000) / 10.0 FROM generate_series(1, 2000) t;
SQL
}

# The metadata a coordinator would have written, identical on every node.
# Arguments: include|exclude, then the worker names and their groups.
fixture_standin_metadata_sql() {
	local cim=$1; shift
	local workers=("$@") nodeid=1 w group
	local groups=()
	echo "BEGIN;"
	if [ "$cim" = include ]; then
		echo "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, isactive, metadatasynced, shouldhaveshards)
		      VALUES ($nodeid, 0, '127.0.0.1', $(pgc_port coord), true, true, true, false);"
		nodeid=$((nodeid + 1))
	fi
	for w in "${workers[@]}"; do
		group=${w#*=}
		w=${w%=*}
		groups+=("$group")
		echo "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, isactive, metadatasynced, shouldhaveshards)
		      VALUES ($nodeid, $group, '127.0.0.1', $(pgc_port "$w"), true, true, true, true);"
		nodeid=$((nodeid + 1))
	done
	local group_array
	group_array=$(IFS=,; echo "${groups[*]}")
	cat <<SQL
INSERT INTO pg_catalog.pg_dist_colocation VALUES
	(1, $FIXTURE_SHARDS, 1, 'int4'::regtype, 0),
	(2, 1, -1, 0, 0);
INSERT INTO pg_catalog.pg_dist_partition VALUES
	('app.accounts', 'h', '{VAR :varno 1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 :varnullingrels (b) :varlevelsup 0 :varnosyn 1 :varattnosyn 1 :location -1}', 1, 's', false),
	('app.orders', 'h', '{VAR :varno 1 :varattno 1 :vartype 23 :vartypmod -1 :varcollid 0 :varnullingrels (b) :varlevelsup 0 :varnosyn 1 :varattnosyn 1 :location -1}', 1, 's', false),
	('app.currencies', 'n', NULL, 2, 't', false);
-- hash ranges split the int4 space evenly, as Citus does
INSERT INTO pg_catalog.pg_dist_shard
SELECT rel, 102008 + r.n * $FIXTURE_SHARDS + i, 't',
       (-2147483648 + i * (4294967296 / $FIXTURE_SHARDS))::text,
       (-2147483648 + (i + 1) * (4294967296 / $FIXTURE_SHARDS) - 1)::text
  FROM (VALUES (0, 'app.accounts'::regclass), (1, 'app.orders'::regclass)) AS r(n, rel),
       generate_series(0, $FIXTURE_SHARDS - 1) i;
INSERT INTO pg_catalog.pg_dist_shard VALUES ('app.currencies', 102008 + 2 * $FIXTURE_SHARDS, 't', NULL, NULL);
-- co-located shards share a group; placement ids follow creation order
INSERT INTO pg_catalog.pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
SELECT row_number() OVER (ORDER BY s.shardid), s.shardid, 1, 0,
       (ARRAY[$group_array])[((s.shardid - 102008) % $FIXTURE_SHARDS) % ${#groups[@]} + 1]
  FROM pg_catalog.pg_dist_shard s WHERE s.logicalrelid <> 'app.currencies'::regclass;
INSERT INTO pg_catalog.pg_dist_placement (placementid, shardid, shardstate, shardlength, groupid)
SELECT 2 * $FIXTURE_SHARDS + row_number() OVER (ORDER BY g), 102008 + 2 * $FIXTURE_SHARDS, 1, 0, g
  FROM unnest(ARRAY[$( [ "$cim" = include ] && echo "0,")$group_array]) g;
COMMIT;
SQL
}

# Sequences advance only on the coordinator.
fixture_standin_coordinator_sequences_sql() {
	cat <<'SQL'
SELECT setval('pg_catalog.pg_dist_node_nodeid_seq', (SELECT max(nodeid) FROM pg_catalog.pg_dist_node));
SELECT setval('pg_catalog.pg_dist_groupid_seq', GREATEST((SELECT max(groupid) FROM pg_catalog.pg_dist_node), 1));
SELECT setval('pg_catalog.pg_dist_placement_placementid_seq', (SELECT max(placementid) FROM pg_catalog.pg_dist_placement));
SELECT setval('pg_catalog.pg_dist_shardid_seq', (SELECT max(shardid) FROM pg_catalog.pg_dist_shard));
SELECT setval('pg_catalog.pg_dist_colocationid_seq', (SELECT max(colocationid) FROM pg_catalog.pg_dist_colocation));
SQL
}

# The stand-in's workers: w1, w2 and w3 unless FIXTURE_WORKERS names more
# (w1 ... wN, in the order of their groups)
fixture_workers() {
	echo "${FIXTURE_WORKERS:-w1 w2 w3}"
}

fixture_create_standin() {
	local cim=$1 remove=$2 layout=$3 name group workers=()
	for name in coord $(fixture_workers); do
		pgc_start "$name" || return 1
		fixture_standin_catalogs "$name" "$layout" || return 1
		fixture_tables_sql | pgc_psql "$name" >/dev/null || return 1
	done
	group=1
	for name in $(fixture_workers); do
		if [ "$remove" = yes ] && [ "$name" = w1 ]; then
			group=$((group + 1))
			continue
		fi
		workers+=("$name=$group")
		group=$((group + 1))
	done
	for name in coord $(fixture_workers); do
		if [ "$remove" = yes ] && [ "$name" = w1 ]; then
			continue
		fi
		fixture_standin_metadata_sql "$cim" "${workers[@]}" | pgc_psql "$name" >/dev/null || return 1
	done
	pgc_sql coord "INSERT INTO pg_catalog.pg_dist_local_group VALUES (0)" >/dev/null
	group=1
	for name in $(fixture_workers); do
		pgc_sql "$name" "INSERT INTO pg_catalog.pg_dist_local_group VALUES ($group)" >/dev/null
		group=$((group + 1))
	done
	fixture_standin_coordinator_sequences_sql | pgc_psql coord >/dev/null
	# the removed worker keeps nothing: Citus clears its metadata
	if [ "$remove" = yes ]; then
		pgc_sql w1 "TRUNCATE pg_catalog.pg_dist_node, pg_catalog.pg_dist_placement, pg_catalog.pg_dist_shard, pg_catalog.pg_dist_partition, pg_catalog.pg_dist_colocation" >/dev/null
		pgc_stop w1
	fi
	fixture_rows_sql | pgc_psql coord >/dev/null
}

fixture_create_real() {
	local cim=$1 remove=$2 coordinator_shards=$3 name
	for name in coord w1 w2 w3; do
		pgc_start "$name" citus || return 1
		pgc_sql "$name" "CREATE EXTENSION citus" >/dev/null || return 1
	done
	if [ "$cim" = include ]; then
		pgc_sql coord "SELECT citus_set_coordinator_host('127.0.0.1', $(pgc_port coord))" >/dev/null || return 1
		if [ "$coordinator_shards" = yes ]; then
			pgc_sql coord "SELECT citus_set_node_property('127.0.0.1', $(pgc_port coord), 'shouldhaveshards', true)" >/dev/null || return 1
		fi
	fi
	for name in w1 w2 w3; do
		pgc_sql coord "SELECT citus_add_node('127.0.0.1', $(pgc_port "$name"))" >/dev/null || return 1
	done
	{
		fixture_tables_sql
		echo "SELECT create_distributed_table('app.accounts', 'tenant_id');"
		echo "SELECT create_distributed_table('app.orders', 'tenant_id', colocate_with => 'app.accounts');"
		echo "SELECT create_reference_table('app.currencies');"
		fixture_rows_sql
	} | pgc_psql coord >/dev/null || return 1
	if [ "$remove" = yes ]; then
		pgc_sql coord "SELECT citus_drain_node('127.0.0.1', $(pgc_port w1), shard_transfer_mode => 'block_writes')" >/dev/null || return 1
		pgc_sql coord "SELECT citus_remove_node('127.0.0.1', $(pgc_port w1))" >/dev/null || return 1
		pgc_stop w1
	fi
}

# A table whose only shard lives on the coordinator: lost with it.
fixture_local_table() {
	pgc_sql coord "CREATE TABLE app.audit (id int PRIMARY KEY, note text)" >/dev/null || return 1
	if [ "$FIXTURE_TIER" = real ]; then
		pgc_sql coord "SELECT citus_add_local_table_to_metadata('app.audit')" >/dev/null
	else
		local name
		for name in w1 w2 w3; do
			[ -n "$(pgc_pid "$name")" ] || continue
			pgc_sql "$name" "CREATE TABLE app.audit (id int PRIMARY KEY, note text)" >/dev/null
		done
		for name in coord w1 w2 w3; do
			[ -n "$(pgc_pid "$name")" ] || continue
			pgc_psql "$name" >/dev/null <<'SQL'
INSERT INTO pg_catalog.pg_dist_colocation VALUES (3, 1, 1, 0, 0);
INSERT INTO pg_catalog.pg_dist_partition VALUES ('app.audit', 'n', NULL, 0, 's', false);
INSERT INTO pg_catalog.pg_dist_shard VALUES ('app.audit', 102100, 't', NULL, NULL);
INSERT INTO pg_catalog.pg_dist_placement VALUES (100, 102100, 1, 0, 0);
SQL
		done
	fi
}

fixture_create() {
	local cim=include remove=no layout=13.2 local_table=no coordinator_shards=no
	while [ $# -gt 0 ]; do
		case $1 in
			--cim) cim=$2; shift 2 ;;
			--remove-worker) remove=yes; shift ;;
			--layout) layout=$2; shift 2 ;;
			--local-table) local_table=yes; shift ;;
			--coordinator-shards) coordinator_shards=yes; shift ;;
			*) echo "fixture_create: unknown option $1" >&2; return 1 ;;
		esac
	done
	if [ "$FIXTURE_TIER" = real ]; then
		fixture_create_real "$cim" "$remove" "$coordinator_shards" || return 1
	else
		fixture_create_standin "$cim" "$remove" "$layout" || return 1
	fi
	[ "$local_table" = no ] || fixture_local_table
}

# fixture_coordinator_standby NAME: a streaming standby of coord that pg_dist_node
# lists as group 0's secondary, on every node
fixture_coordinator_standby() {
	local name=$1 port tries=0
	pgc_standby "$name" coord || return 1
	port=$(pgc_port "$name")
	if [ "$FIXTURE_TIER" = real ]; then
		pgc_sql coord "SELECT citus_add_secondary_node('127.0.0.1', $port, '127.0.0.1', $(pgc_port coord))" >/dev/null || return 1
	else
		local node
		for node in coord w1 w2 w3; do
			pgc_sql "$node" "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, noderole, hasmetadata, isactive, metadatasynced, shouldhaveshards)
			                  VALUES (9, 0, '127.0.0.1', $port, 'secondary', false, true, false, false)" >/dev/null || return 1
		done
	fi
	# the standby must have its own row before the coordinator goes
	until [ "$(pgc_sql "$name" "SELECT count(*) FROM pg_catalog.pg_dist_node WHERE nodeport = $port")" = 1 ]; do
		tries=$((tries + 1))
		[ $tries -lt 100 ] || return 1
		sleep 0.1
	done
}

# fixture_worker_standby NAME WORKER: a streaming standby of WORKER, which
# pg_dist_node lists as its secondary (real Citus only)
fixture_worker_standby() {
	local name=$1 worker=$2
	pgc_standby "$name" "$worker" || return 1
	pgc_sql coord "SELECT citus_add_secondary_node('127.0.0.1', $(pgc_port "$name"), '127.0.0.1', $(pgc_port "$worker"))" >/dev/null
}

# The metadata workers that survive the coordinator, in the order of
# their groups.
fixture_survivors() {
	local name
	for name in $(fixture_workers); do
		[ -d "$PGC_ROOT/$name/data" ] && [ -n "$(pgc_pid "$name")" ] && echo "$name"
	done
}

# An empty node ready to become the coordinator: Citus installed, nothing else.
fixture_new_node() {
	local name=$1
	if [ "$FIXTURE_TIER" = real ]; then
		pgc_start "$name" citus || return 1
		pgc_sql "$name" "CREATE EXTENSION citus" >/dev/null
	else
		pgc_start "$name" || return 1
		fixture_standin_catalogs "$name" 13.2
	fi
}
