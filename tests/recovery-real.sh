#!/bin/bash
# plan, apply, verify and recover on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/recovery-scenarios.sh"

# The stand-in has no control file: only real Citus can be created.
sc_new_node_without_the_extension() {
	fresh_cluster || return
	CHECKSUM_BEFORE=$(checksum w2)
	pgc_destroy coord
	pgc_start newc citus || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work; mkdir -p "$WORK"
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: pre-flight fails without citus on the new node"
	like "$OUT" "FAIL  new-node-citus" "$SCENARIO: and says so"
	run recover $(at w2) --new-coordinator "$(addr newc)" --create-extension --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: --create-extension creates it and the recovery goes through"
	is "$(checksum newc)" "$CHECKSUM_BEFORE" "$SCENARIO: the new coordinator reads every row"
}
scenario "new node without the extension" sc_new_node_without_the_extension

# --- shards that lived only on the coordinator ------------------------------------
coordinator_shards_setup() {
	fresh_cluster --coordinator-shards --local-table || return
	pgc_sql coord "INSERT INTO app.audit SELECT g, 'before' FROM generate_series(1, 10) g" >/dev/null
	LOST=$(lost_shard_ids)
	TENANT=$(lost_tenant)
	[ -n "$LOST" ] && [ -n "$TENANT" ] || setup_failed "the coordinator holds no shard" || return
	SURVIVING=$(surviving_rows coord)
	pgc_destroy coord
	new_node
}

# Every table answers through the coordinator: the lost ranges empty, the other rows intact
lost_shards_after_checks() {
	local coordinator=$1 id
	run verify $(at "$coordinator") --move-shard
	expect_code 0 "$SCENARIO: verify passes, shard move included"
	for id in $LOST; do
		like "$OUT" "rows lost with the old coordinator: [a-z.]+, shard $id " "$SCENARIO: verify names lost shard $id"
	done
	is "$(surviving_rows "$coordinator")/$(checksum "$coordinator" | cut -d/ -f1-2)" "$SURVIVING/$SURVIVING" \
		"$SCENARIO: every row of the surviving shards is there, and nothing else"
	is "$(pgc_sql "$coordinator" "SELECT count(*) FROM app.audit")" 0 "$SCENARIO: the citus local table is there, empty"
	pgc_sql "$coordinator" "INSERT INTO app.audit VALUES (1, 'after'); INSERT INTO app.accounts (tenant_id, name) VALUES ($TENANT, 'after');
	                        INSERT INTO app.orders (tenant_id, account_id, amount) VALUES ($TENANT, 1, 1)" >/dev/null
	ok $? "$SCENARIO: inserts into a lost range, a serial column and the citus local table work"
	# one statement each: Citus 11.3 refuses to propagate a multi-statement string
	pgc_sql "$coordinator" "ALTER TABLE app.accounts ADD COLUMN note text" >/dev/null &&
		pgc_sql "$coordinator" "ALTER TABLE app.audit ADD COLUMN note2 text" >/dev/null
	ok $? "$SCENARIO: DDL on the distributed and the citus local table works"
}

sc_coordinator_shards_new_node() {
	coordinator_shards_setup || return
	run recover $(at w1) --new-coordinator "$(addr newc)" --workdir "$WORK/refused" --yes
	expect_code 10 "$SCENARIO: refused by default, nothing changed"
	like "$OUT" "FAIL  lost-shards: $(echo $LOST | wc -w) shards had no placement outside the old coordinator" \
		"$SCENARIO: the check fails and counts them"
	like "$OUT" "app.accounts: shard [0-9]+ \(hash range -?[0-9]+ to -?[0-9]+\)" "$SCENARIO: with their hash ranges"
	like "$OUT" "app.audit: shard [0-9]+ \(citus local table: every row\)" "$SCENARIO: and the citus local table"
	is "$(pgc_sql w1 "SELECT groupid FROM pg_dist_local_group")" 1 "$SCENARIO: the donor is untouched"
	run plan $(at w1) --new-coordinator "$(addr newc)" --accept-lost-shards -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: accepted, the plan goes on"
	like "$(cat "$WORK/plan.sql")" "-- accept-lost-shards: $(echo $LOST | wc -w)" "$SCENARIO: the plan file records the acceptance"
	like "$OUT" "note: Rows lost with the old coordinator: app.orders, shard [0-9]+ \(hash range" "$SCENARIO: a note names each lost range"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: apply runs every step, the serial repair included"
	like "$OUT" "^$(echo $LOST | wc -w) shards were recreated empty; their rows are lost:" "$SCENARIO: apply's output counts the shards that lost their rows"
	like "$OUT" "^  Rows lost with the old coordinator: app.audit, shard" "$SCENARIO: and names each"
	lost_shards_after_checks newc
	is "$(pgc_sql newc "SELECT count(*) FROM pg_dist_placement WHERE groupid = 0 AND shardid IN (${LOST// /,})")" 1 \
		"$SCENARIO: the citus local table's shard is on the new coordinator, the others on a worker"
}
scenario "coordinator shards, new node" sc_coordinator_shards_new_node

sc_coordinator_shards_promote() {
	coordinator_shards_setup || return
	run recover $(at w2) --promote "$(addr w2)" --accept-lost-shards --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: recover with --accept-lost-shards"
	like "$OUT" "Rows lost with the old coordinator: app.accounts, shard" "$SCENARIO: the output names the lost ranges"
	lost_shards_after_checks w2
}
scenario "coordinator shards, promote" sc_coordinator_shards_promote

# Workers never get append- or range-distributed tables' metadata, only their shards
sc_append_table_shards() {
	fresh_cluster || return
	pgc_psql coord >/dev/null <<'SQL' || setup_failed "could not make an append-distributed table" || return
CREATE TABLE app.events (id bigint, note text);
SELECT create_distributed_table('app.events', 'id', 'append');
SELECT master_create_empty_shard('app.events') FROM generate_series(1, 3);
SQL
	shards=$(pgc_sql coord "SELECT string_agg(shard_name(logicalrelid, shardid), ' ' ORDER BY shardid) FROM pg_dist_shard WHERE logicalrelid = 'app.events'::regclass")
	pgc_destroy coord
	new_node || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: they do not block the plan"
	for shard in $shards; do
		like "$OUT" "warn  lost-metadata: .*$shard" "$SCENARIO: $shard is named as a shard whose table's metadata is lost"
	done
	unlike "$OUT" "lost-metadata: .*app\.(accounts|orders|currencies)_" "$SCENARIO: shards the metadata knows are not"
}
scenario "append table shards" sc_append_table_shards

# Secondaries: the old coordinator's goes with it, a worker's stays
sc_secondaries() {
	fresh_cluster || return
	fixture_coordinator_standby cstandby || setup_failed "could not register a standby of the coordinator" || return
	fixture_worker_standby w3s w3 || setup_failed "could not register a standby of w3" || return
	CHECKSUM_BEFORE=$(checksum w2)
	pgc_destroy coord
	new_node || return
	recover_in_steps newc --new-coordinator "$(addr newc)"
	like "$(cat "$WORK/plan.sql")" "-- check: warn coordinator-standby: standby of the old coordinator, in recovery: $(addr cstandby)" \
		"$SCENARIO: the plan warns about the old coordinator's standby"
	is "$(pgc_sql newc "SELECT count(*) FROM pg_dist_node WHERE nodeport = $(pgc_port cstandby)")" 0 \
		"$SCENARIO: its row is gone from the new coordinator"
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_dist_node WHERE nodeport = $(pgc_port cstandby)")" 0 \
		"$SCENARIO: and from the workers"
	is "$(pgc_sql newc "SELECT groupid = (SELECT groupid FROM pg_dist_node WHERE nodeport = $(pgc_port w3)) AND noderole = 'secondary' FROM pg_dist_node WHERE nodeport = $(pgc_port w3s)")" t \
		"$SCENARIO: w3's secondary stays, in w3's group"
	is "$(pgc_sql cstandby "SELECT pg_is_in_recovery()")" t "$SCENARIO: the standby itself was left alone"
	after_checks newc
}
scenario "secondaries" sc_secondaries

pgc_cleanup
done_testing
