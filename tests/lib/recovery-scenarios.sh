# The recovery scenarios (plan, apply, verify, recover), on the stand-in and
# on real Citus alike.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/recovery-helpers.sh"

# --- the four ways out ---------------------------------------------------------
# Schema-based sharding arrived in Citus 12.0: verify tries it from there on,
# and before says that it skipped it, naming the version
expect_schema_sharding_line() {
	local version
	version=$(pgc_sql "$1" "SELECT extversion FROM pg_extension WHERE extname = 'citus'")
	if [ "${version%%.*}" -ge 12 ] 2>/dev/null; then
		like "$OUT" "pass  7\. DDL.*a schema-sharded table" "$SCENARIO: verify made a schema-sharded table (Citus $version)"
	else
		like "$OUT" "skip  schema-sharded table: Citus ${version%-*}" "$SCENARIO: verify says it skipped the schema-sharded table on Citus $version"
	fi
}

sc_new_node_cim_include() {
	setup || return
	recover_in_steps newc --new-coordinator "$(addr newc)"
	expect_schema_sharding_line newc
	like "$(cat "$WORK/plan.sql")" "citus_add_node" "$SCENARIO: the plan adds the new node from the donor"
	after_checks newc
}
scenario "new node, CIM include" sc_new_node_cim_include

sc_new_node_cim_exclude() {
	setup --cim exclude || return
	recover_in_steps newc --new-coordinator "$(addr newc)"
	is "$(pgc_sql newc "SELECT count(*) FROM pg_dist_node WHERE groupid = 0")" 0 "$SCENARIO: the coordinator stays out of pg_dist_node"
	after_checks newc
}
scenario "new node, CIM exclude" sc_new_node_cim_exclude

sc_promote_cim_include() {
	setup || return
	recover_in_steps w2 --promote "$(addr w2)"
	is "$(pgc_sql w2 "SELECT shouldhaveshards FROM pg_dist_node WHERE groupid = 0")" t "$SCENARIO: the promoted worker keeps its shards"
	after_checks w2
}
scenario "promote, CIM include" sc_promote_cim_include

sc_promote_cim_exclude() {
	setup --cim exclude || return
	recover_in_steps w2 --promote "$(addr w2)"
	after_checks w2
}
scenario "promote, CIM exclude" sc_promote_cim_exclude

# Every node's catalogs, placement ids, node ids and flags included, as text
catalogs_of() {
	pgc_sql "$1" "SELECT md5(string_agg(r, ';' ORDER BY r)) FROM (
		SELECT 'n' || n::text AS r FROM pg_dist_node n
		UNION ALL SELECT 'p' || p::text FROM pg_dist_placement p
		UNION ALL SELECT 's' || s::text FROM pg_dist_shard s
		UNION ALL SELECT 't' || t::text FROM pg_dist_partition t
		UNION ALL SELECT 'c' || c::text FROM pg_dist_colocation c
		UNION ALL SELECT 'l' || l::text FROM pg_dist_local_group l) AS rows"
}

all_catalogs() {
	local name
	for name in newc w1 w2 w3; do
		[ -n "$(pgc_pid "$name")" ] && printf '%s=%s ' "$name" "$(catalogs_of "$name")"
	done
}

# The targeted change leaves every node as Citus's full sync would: run the
# sync afterwards and nothing changes, on any node.
sc_targeted_resync_as_full() {
	setup "$@" || return
	recover_in_steps newc --new-coordinator "$(addr newc)"
	like "$(cat "$WORK/plan.sql")" "-- check: pass resync: " "$SCENARIO: the plan changes only the rows that differ"
	unlike "$(cat "$WORK/plan.sql")" "start_metadata_sync_to_all_nodes" "$SCENARIO: and runs no full sync"
	local before
	before=$(all_catalogs)
	pgc_sql newc "SELECT start_metadata_sync_to_all_nodes()" >/dev/null
	ok $? "$SCENARIO: Citus's full sync runs afterwards"
	is "$(all_catalogs)" "$before" "$SCENARIO: and changes nothing on any node: the same catalogs, ids and flags"
	after_checks newc
}
scenario "targeted re-sync gives what the full sync gives, CIM include" sc_targeted_resync_as_full
scenario "targeted re-sync gives what the full sync gives, CIM exclude" sc_targeted_resync_as_full --cim exclude

sc_full_resync() {
	setup || return
	recover_in_steps newc --new-coordinator "$(addr newc)" --full-resync
	like "$(cat "$WORK/plan.sql")" "start_metadata_sync_to_all_nodes" "$SCENARIO: --full-resync runs Citus's full sync"
	like "$(cat "$WORK/plan.sql")" "-- check: warn resync: .*because --full-resync asks for it" "$SCENARIO: and pre-flight says so"
	after_checks newc
}
scenario "new node, --full-resync" sc_full_resync

sc_placement_ids_differ() {
	setup || return
	local id
	id=$(pgc_sql w3 "SELECT max(placementid) FROM pg_dist_placement WHERE groupid > 0")
	pgc_sql w3 "UPDATE pg_dist_placement SET placementid = placementid + 100000 WHERE placementid = $id" >/dev/null ||
		setup_failed "could not change a placement id" || return
	recover_in_steps newc --new-coordinator "$(addr newc)"
	like "$(cat "$WORK/plan.sql")" "-- check: warn resync: .*because the workers' placement ids differ" \
		"$SCENARIO: workers whose placement ids differ get the full sync"
	is "$(pgc_sql w3 "SELECT count(*) FROM pg_dist_placement WHERE placementid = $id + 100000")" 0 \
		"$SCENARIO: which makes them the new coordinator's"
}
scenario "placement ids differ between workers" sc_placement_ids_differ

sc_donor_outside_group_1() {
	setup --remove-worker || return
	recover_in_steps newc --new-coordinator "$(addr newc)" --donor "$(addr w3)"
	like "$(cat "$WORK/plan.sql")" "-- donor: $(addr w3)" "$SCENARIO: the chosen donor is used"
	after_checks newc
}
scenario "donor outside group 1" sc_donor_outside_group_1

# --- one command ---------------------------------------------------------------
sc_recover() {
	setup || return
	run recover $(at w1) --new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: discover, plan, apply and verify in one run"
	like "$OUT" "SELECT pg_catalog.citus_add_node" "$SCENARIO: the plan is printed"
	like "$OUT" "The coordinator works" "$SCENARIO: and verified"
	# a worker down afterwards: verify names it and what its connection said
	pgc_stop w3
	run verify -h 127.0.0.1 -p "$(pgc_port newc)" -U postgres
	expect_code 23 "$SCENARIO: verify with a worker down fails its third check"
	like "$OUT" "FAIL  3\\. same metadata on every node: 1 node did not answer; 127\\.0\\.0\\.1:$(pgc_port w3): .*refused" \
		"$SCENARIO: naming the worker and what its connection said"
	pgc_restart w3
	# a question that fails takes down none of those asked with it
	pgc_sql newc "ALTER FUNCTION pg_catalog.citus_is_coordinator() RENAME TO citus_is_coordinator_hidden" >/dev/null
	run verify -h 127.0.0.1 -p "$(pgc_port newc)" -U postgres
	expect_code 22 "$SCENARIO: verify without citus_is_coordinator() fails its second check"
	like "$OUT" "FAIL  2\\. citus_is_coordinator\\(\\): .*does not exist" "$SCENARIO: with the server's error"
	like "$OUT" "pass  3\\. same metadata" "$SCENARIO: the metadata check still passes"
	like "$OUT" "pass  4\\. every placement's group exists" "$SCENARIO: and the question asked after the failed one"
	like "$OUT" "pass  5\\. cluster node health" "$SCENARIO: and the coordinator's health check"
	pgc_sql newc "ALTER FUNCTION pg_catalog.citus_is_coordinator_hidden() RENAME TO citus_is_coordinator" >/dev/null
}
scenario "recover" sc_recover

# --- refusals ------------------------------------------------------------------
sc_stale_plan() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	pgc_sql w3 "UPDATE pg_dist_placement SET shardstate = shardstate WHERE false" >/dev/null
	moved=$(pgc_sql w3 "SELECT shardid FROM pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w3 "UPDATE pg_dist_placement SET groupid = 2 WHERE shardid = $moved" >/dev/null
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 10 "$SCENARIO: a plan the cluster no longer matches is refused, nothing changed"
	like "$OUT" "stale" "$SCENARIO: and says why"
	sed -i 's/^-- tool-version: .*/-- tool-version: 0.0.1/' "$WORK/plan.sql"
	run apply "$WORK/plan.sql" --workdir "$WORK/run2" --yes
	expect_code 10 "$SCENARIO: a plan from another version is refused"
	like "$OUT" "made by citus-rescue 0.0.1" "$SCENARIO: and says so"
}
scenario "stale plan" sc_stale_plan

# recover's gates send every node its questions with the first node's,
# built for the node list planning read: a list that changed in between
# must be read as it is now, not as it was
sc_node_list_changed_before_the_gates() {
	local pid extra
	setup || return
	extra=$(pgc_free_port) || return
	CITUS_RESCUE_TEST_PAUSE=gates:0:5000 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" recover $(at w1) \
		--new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes >"$WORK/changed.out" 2>&1 &
	pid=$!
	wait_for_file_match "$WORK/changed.out" "Checking the cluster against the plan"
	ok $? "$SCENARIO: the run pauses before its gates read the cluster"
	pgc_sql w1 "INSERT INTO pg_dist_node (nodeid, groupid, nodename, nodeport) SELECT max(nodeid) + 1, max(groupid) + 1, '127.0.0.1', $extra FROM pg_dist_node" >/dev/null
	wait $pid
	is "$?" 10 "$SCENARIO: recover refuses, nothing changed"
	like "$(cat "$WORK/changed.out")" "the plan is stale" "$SCENARIO: as stale"
	like "$(cat "$WORK/changed.out")" "$(addr w1): its metadata changed since the plan was made" \
		"$SCENARIO: the first node's list read as it is now"
	is "$(pgc_sql newc "SELECT count(*) FROM pg_dist_node")" 0 "$SCENARIO: the new node was not added"
	pgc_sql w1 "DELETE FROM pg_dist_node WHERE nodeport = $extra" >/dev/null
}
scenario "node list changed before the gates" sc_node_list_changed_before_the_gates

sc_old_coordinator_alive() {
	fresh_cluster || return
	new_node || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: plan refuses while the old coordinator answers"
	like "$OUT" "FAIL  old-coordinator-gone" "$SCENARIO: the failed check is named"
}
scenario "old coordinator alive" sc_old_coordinator_alive

sc_typed_confirmation() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	if command -v tmux >/dev/null; then
		tmux_start 120 30 "$RESCUE apply '$WORK/plan.sql' --workdir '$WORK/run-no'"
		tmux_wait_for "Type yes to go on"
		ok $? "$SCENARIO: apply asks on the terminal"
		tmux_cmd send-keys -t t y Enter
		is "$(tmux_wait_exit)" 10 "$SCENARIO: anything but yes stops it, nothing changed"
		tmux_stop
		tmux_start 120 30 "$RESCUE apply '$WORK/plan.sql' --workdir '$WORK/run'"
		tmux_wait_for "Type yes to go on" 60
		ok $? "$SCENARIO: asked again"
		tmux_cmd send-keys -t t yes Enter
		is "$(tmux_wait_exit 180)" 0 "$SCENARIO: a typed yes runs the plan"
		tmux_stop
	fi
	run apply "$WORK/plan.sql" --workdir "$WORK/run-none" </dev/null
	expect_code 10 "$SCENARIO: without a terminal and without --yes, nothing is done"
}
scenario "typed confirmation" sc_typed_confirmation

# A lost coordinator whose host answers nothing (a frozen server here):
# the gates' first look takes the word of the discovery that waited for it
# a moment before; the last look, right before the first statement, asks
# again.
sc_silent_old_coordinator() {
	fresh_cluster || return
	CHECKSUM_BEFORE=$(checksum w2)
	pgc_freeze coord
	new_node || { pgc_thaw coord; return; }
	run recover $(at w2) --new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes --timeout 2
	expect_code 0 "$SCENARIO: recover finishes"
	like "$(cat "$WORK/run/journal.log")" "old-coordinator-gone: $(addr coord): no server answered this run's discovery of the cluster, which waited its timeout for it" \
		"$SCENARIO: the first look reuses the discovery that just waited for it"
	like "$(cat "$WORK/run/journal.log")" "old-coordinator-gone: right before the first statement: $(addr coord): no server answers" \
		"$SCENARIO: the last look asks again"
	pgc_thaw coord
	pgc_destroy coord
}
scenario "silent old coordinator" sc_silent_old_coordinator

sc_unreachable_worker() {
	setup || return
	pgc_stop w3
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: refused by default"
	like "$OUT" "FAIL  nodes-reachable" "$SCENARIO: the check says why"
	run plan $(at w2) --new-coordinator "$(addr newc)" --allow-unreachable -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: a new node cannot be added without every metadata worker"
	run plan $(at w2) --promote "$(addr w2)" --allow-unreachable -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: promoting a worker goes on without it when allowed"
	like "$OUT" "note: .*citus_activate_node" "$SCENARIO: with what to run when it returns"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	if [ "$FIXTURE_TIER" = real ]; then
		expect_code 11 "$SCENARIO: applied up to the serial repair, which needs every shard"
	else
		expect_code 0 "$SCENARIO: applied without it (the stand-in reads no shards)"
	fi
	pgc_restart w3
	pgc_sql w2 "SELECT citus_activate_node('127.0.0.1', $(pgc_port w3))" >/dev/null
	ok $? "$SCENARIO: activated when it returns"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the same apply command then finishes"
	run verify $(at w2)
	expect_code 0 "$SCENARIO: then verify passes"
}
scenario "unreachable worker" sc_unreachable_worker

# rename_catalog NODE FROM TO
rename_catalog() {
	pgc_psql "$1" -c "SET allow_system_table_mods = on" -c "ALTER TABLE pg_catalog.$2 RENAME TO $3" >/dev/null
}

# A worker that answers but whose Citus catalogs cannot be read is in no
# comparison and would be in no backup: the plan must not go on without it.
# (Real Citus itself fails on such a node, which then does not answer.)
sc_unreadable_worker() {
	setup || return
	rename_catalog w3 pg_dist_colocation pg_dist_colocation_hidden
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: refused"
	like "$OUT" "FAIL  [a-z-]*: .*$(addr w3)" "$SCENARIO: naming the worker"
	run plan $(at w2) --promote "$(addr w2)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: promoting a worker is refused too"
	[ "$FIXTURE_TIER" = standin ] || return 0
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	like "$OUT" "FAIL  metadata-agrees: the Citus catalogs of $(addr w3) \\([^)]*incomplete" \
		"$SCENARIO: as a worker whose metadata nothing compares, with what it said"
	rename_catalog w3 pg_dist_colocation_hidden pg_dist_colocation
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: planned once the worker is readable again"
}
scenario "unreadable worker" sc_unreadable_worker

sc_lost_shards() {
	setup --local-table || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: a shard that lived only on the coordinator blocks the plan"
	like "$OUT" "FAIL  lost-shards: 1 shards had no placement outside the old coordinator: app.audit: shard [0-9]+ \(citus local table: every row\)" \
		"$SCENARIO: and is listed as lost, before anything changes"
	like "$OUT" "fix: .*--accept-lost-shards" "$SCENARIO: the fix names the option"
	is "$(rescue discover $(at w2) --json | jq -r '[.nodes[] | select(.first) | .lost_shards[] | .table + "/" + (.citus_local | tostring)] | join(",")')" \
		app.audit/true "$SCENARIO: discover --json lists it too"
	is "$(rescue discover $(at w2) --json | jq -r '[.nodes[] | select(.first) | .serial_columns[] | select(.bigint | not) | .table + "." + .column] | join(",")')" \
		app.orders.id "$SCENARIO: and the int serial columns the recovery repairs"
	run plan $(at w2) --new-coordinator "$(addr newc)" --accept-lost-shards -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: accepted, the plan goes on"
	like "$OUT" "warn  lost-shards: .*accepted" "$SCENARIO: the check says it was accepted"
	like "$OUT" "note: Rows lost with the old coordinator: app.audit, shard [0-9]+ \(citus local table: every row\); recreated empty on $(addr newc)" \
		"$SCENARIO: a note says what lost its rows and where it is recreated"
	like "$(grep -B1 'purpose: On the new coordinator: recreate' "$WORK/plan.sql")" "on: $(addr newc)" \
		"$SCENARIO: a step on the new coordinator recreates it"
	run plan $(at w2) --new-coordinator "$(addr newc)" --accept-lost-shards --cim exclude -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: CIM exclude has no node for a citus local table"
}
scenario "lost shards" sc_lost_shards

sc_new_node_with_tables() {
	setup || return
	pgc_sql newc "CREATE SCHEMA app; CREATE TABLE app.accounts (x int)" >/dev/null
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: pre-flight refuses a new node that already has tables"
	like "$OUT" "FAIL  new-node-empty" "$SCENARIO: and names the check"
}
scenario "new node with tables" sc_new_node_with_tables

sc_failing_step() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan"
	before=$(rescue discover $(at w2) --json | jq -r '[.nodes[] | select(.reachable) | .catalogs | tostring] | join("/")')
	# readers pass, writers wait: the donor's step runs into its lock_timeout
	hold_lock w2 pg_catalog.pg_dist_local_group 15 EXCLUSIVE
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	wait
	expect_code 10 "$SCENARIO: a step that fails stops the run; nothing was changed"
	like "$OUT" "rolled back" "$SCENARIO: the failed step was rolled back"
	like "$OUT" "55P03: canceling statement due to lock timeout" "$SCENARIO: the server's error is shown whole"
	after=$(rescue discover $(at w2) --json | jq -r '[.nodes[] | select(.reachable) | .catalogs | tostring] | join("/")')
	is "$after" "$before" "$SCENARIO: every worker's metadata is as it was"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: once the cause is gone, the same command finishes"
}
scenario "failing step" sc_failing_step

# A lock held past a step's lock_timeout, then let go: the step gives way,
# so that nothing queues behind it, and apply tries it again
sc_lock_held_briefly() {
	local pid
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan"
	hold_lock w2 pg_catalog.pg_dist_local_group 120 EXCLUSIVE
	${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >"$WORK/apply.out" 2>&1 &
	pid=$!
	# the first try's lock timeout is journaled: then the lock goes
	wait_journal "55P03" 600
	pgc_sql w2 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
	wait $pid
	CODE=$?
	OUT=$(cat "$WORK/apply.out")
	wait
	expect_code 0 "$SCENARIO: apply finishes"
	like "$OUT" "\\[1/[0-9]+\\] a lock on 127\\.0\\.0\\.1:$(pgc_port w2) was not granted in time: rolled back, trying again \\(attempt 2 of 5\\)" \
		"$SCENARIO: the first step waited its second for the lock, gave way and was tried again"
	like "$(cat "$WORK/run/journal.log")" "55P03" "$SCENARIO: the journal keeps the lock timeout"
	run verify $(at newc)
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "a lock held briefly" sc_lock_held_briefly

sc_orphaned_prepared_transactions() {
	setup || return
	pgc_sql w1 "CREATE TABLE IF NOT EXISTS public.orphan_probe (x int)" >/dev/null
	pgc_psql w1 -c "BEGIN" -c "INSERT INTO public.orphan_probe VALUES (1)" -c "PREPARE TRANSACTION 'citus_0_4242_7_1'" >/dev/null
	is "$(rescue discover $(at w2) --json | jq -r '[.nodes[].prepared_transactions[] | select(.orphaned) | .gid] | join(",")')" \
		citus_0_4242_7_1 "$SCENARIO: discover --json lists them"
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: undecided, they block the plan"
	like "$OUT" "citus_0_4242_7_1" "$SCENARIO: and are listed"
	run plan $(at w2) --new-coordinator "$(addr newc)" --prepared citus_0_4242_7_1=commit -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: decided, the plan goes on"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: apply"
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'citus_0_4242_7_1'")/$(pgc_sql w1 "SELECT count(*) FROM public.orphan_probe")" "0/1" \
		"$SCENARIO: committed as decided, before the new coordinator could roll it back"
}
scenario "orphaned prepared transactions" sc_orphaned_prepared_transactions

# --- killed and resumed --------------------------------------------------------
sc_killed_between_steps() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	CITUS_RESCUE_TEST_PAUSE=done:1 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >/dev/null 2>&1 &
	pid=$!
	wait_journal "	1	.*	done	"
	ok $? "$SCENARIO: step 1 done"
	kill -9 $pid; wait $pid 2>/dev/null
	ok $(grep -q "	2	" "$WORK/run/journal.log" && echo 1 || echo 0) "$SCENARIO: killed before step 2 began"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the rerun resumes and finishes"
	like "$OUT" "\[1/[0-9]+\].*already done" "$SCENARIO: the step done before the kill is not run again"
	run verify $(at newc)
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "killed between steps" sc_killed_between_steps

sc_killed_inside_a_step() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	hold_lock w2 pg_catalog.pg_dist_local_group 5 EXCLUSIVE
	${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >/dev/null 2>&1 &
	pid=$!
	wait_journal "	1	.*	statement	BEGIN"
	ok $? "$SCENARIO: step 1 begun"
	sleep 1
	kill -9 $pid; wait $pid 2>/dev/null
	# the connection dies with the tool, as when its machine goes down
	pgc_sql w2 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'citus-rescue'" >/dev/null
	wait
	is "$(pgc_sql w2 "SELECT groupid FROM pg_dist_local_group")/$(pgc_sql w2 "SELECT count(*) FROM pg_dist_node")" "2/4" \
		"$SCENARIO: nothing of the step was applied"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the rerun resumes and finishes"
	run verify $(at newc)
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "killed inside a step" sc_killed_inside_a_step

sc_killed_inside_an_all_nodes_step() {
	setup || return
	run plan $(at w2) --promote "$(addr w2)" -o "$WORK/plan.sql"
	CITUS_RESCUE_TEST_PAUSE=prepared:2 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >/dev/null 2>&1 &
	pid=$!
	wait_journal "	2	.*	prepared	"
	ok $? "$SCENARIO: two nodes prepared their part"
	kill -9 $pid; wait $pid 2>/dev/null
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'rescue\_%'")" 1 \
		"$SCENARIO: the kill left a prepared transaction"
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_dist_node WHERE groupid = 0 AND nodeport = $(pgc_port w2)")" 0 \
		"$SCENARIO: and no node sees the change yet"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the rerun settles it and finishes"
	like "$OUT" "settling rescue_.* roll back" "$SCENARIO: undecided, it was rolled back first"
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_prepared_xacts")$(pgc_sql w2 "SELECT count(*) FROM pg_prepared_xacts")" "00" \
		"$SCENARIO: nothing is left prepared"
	run verify $(at w2)
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "killed inside an all-nodes step" sc_killed_inside_an_all_nodes_step

sc_killed_after_the_decision_to_commit() {
	setup || return
	run plan $(at w2) --promote "$(addr w2)" -o "$WORK/plan.sql"
	CITUS_RESCUE_TEST_PAUSE=decision:1 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >/dev/null 2>&1 &
	pid=$!
	wait_journal "	decision	group 1: commit"
	ok $? "$SCENARIO: every node prepared and the decision journaled"
	kill -9 $pid; wait $pid 2>/dev/null
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the rerun finishes"
	like "$OUT" "settling rescue_.*: commit" "$SCENARIO: the prepared parts were committed, as decided"
	run verify $(at w2)
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "killed after the decision to commit" sc_killed_after_the_decision_to_commit

# --- leftovers of interrupted moves ---------------------------------------------
# What a move from w1 to w2 leaves when the coordinator dies in it, made
# by hand: the stand-in has no Citus to make them.  A table that merely
# looks like a shard (accounts_2023, an id no shard has) must survive.
plant_leftovers() {
	local shard
	shard=$(pgc_sql w1 "SELECT s.shardid FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
	                    WHERE s.logicalrelid = 'app.accounts'::regclass AND p.groupid = 1 ORDER BY 1 LIMIT 1") || return 1
	pgc_psql w1 >/dev/null <<SQL || return 1
SELECT pg_create_logical_replication_slot('citus_shard_move_slot_2_10_7', 'pgoutput');
CREATE PUBLICATION citus_shard_move_publication_2_10_7;
SQL
	churn w1
	pgc_psql w2 >/dev/null <<SQL || return 1
SET client_min_messages = error;
CREATE ROLE citus_shard_move_subscription_role_10_7 SUPERUSER;
CREATE SUBSCRIPTION citus_shard_move_subscription_10_7
       CONNECTION 'host=127.0.0.1 port=$(pgc_port w1) user=postgres dbname=postgres'
       PUBLICATION citus_shard_move_publication_2_10_7
       WITH (connect = false, slot_name = 'citus_shard_move_slot_2_10_7', enabled = false, create_slot = false);
ALTER SUBSCRIPTION citus_shard_move_subscription_10_7 OWNER TO citus_shard_move_subscription_role_10_7;
ALTER ROLE citus_shard_move_subscription_role_10_7 NOSUPERUSER;
CREATE TABLE app.accounts_$shard (LIKE app.accounts);
INSERT INTO app.accounts_$shard (tenant_id, id, name) VALUES (1, 1, 'half-copied');
CREATE TABLE app.accounts_$((shard + 500)) (LIKE app.accounts);
CREATE TABLE app.accounts_2023 (LIKE app.accounts);
SQL
}

# After the recovery: nothing left anywhere, rows as they were, and verify
# (its leftovers check included) passes
after_leftovers() {
	local coordinator=$1 bulk=$2
	is "$(all_leftovers)" "w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0" "$SCENARIO: nothing is left on any node"
	is "$(checksum w2)" "$CHECKSUM_BEFORE" "$SCENARIO: rows and checksums unchanged"
	[ -z "$bulk" ] || is "$(bulk_checksum "$coordinator")" "$bulk" "$SCENARIO: every row of the moved table is there"
	is "$(rescue discover $(at w2) --json | jq '[.nodes[] | select(.reachable) | .leftovers | length] | join(",")')" '"0,0,0,0"' \
		"$SCENARIO: discover then lists no leftovers on any node"
	unlike "$(rescue discover $(at w2) 2>&1)" "Leftovers|retain" "$SCENARIO: and warns of no retained WAL"
}

# discover and the plan see them; recovery drops them in a safe order
expect_leftovers_planned() {
	local json
	json=$(rescue discover $(at w2) --json)
	is "$(printf '%s' "$json" | jq -r '[.nodes[].leftovers[] | .kind] | unique | join(",")')" \
		"publication,role,shard_table,slot,subscription" "$SCENARIO: discover --json lists every kind of leftover"
	ok $(printf '%s' "$json" | jq -e '[.nodes[].leftovers[] | select(.kind == "slot") | .retained_wal_bytes] | min >= 5000000' >/dev/null && echo 0 || echo 1) \
		"$SCENARIO: with the WAL each slot retains"
	diag "WAL retained: $(printf '%s' "$json" | jq -r '[.nodes[].leftovers[] | select(.kind == "slot") | .retained_wal_bytes] | join(" ")') bytes"
	run discover $(at w2)
	like "$OUT" "WARNING: replication slots of interrupted shard moves retain [0-9]+ (bytes|kB|MB|GB)" \
		"$SCENARIO: discover's summary warns of the retained WAL, with its size"
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: leftovers do not block the plan"
	like "$OUT" "warn  leftovers: [0-9]+ leftovers of interrupted shard moves or splits" "$SCENARIO: pre-flight warns of them"
	# the order in which the plan drops them: subscriptions before their slots, roles last
	is "$(grep -Eo '^(ALTER SUBSCRIPTION [^ ]+ SET|DROP SUBSCRIPTION|DROP PUBLICATION|DROP ROLE)|pg_drop_replication_slot\(slot_name\)|^  DROP TABLE' "$WORK/plan.sql" |
		sed -E 's/^ALTER.*/detach/; s/^DROP SUBSCRIPTION/subscription/; s/^pg_drop.*/slot/; s/^DROP PUBLICATION/publication/; s/^  DROP TABLE/table/; s/^DROP ROLE/role/' |
		uniq | tr '\n' ' ')" \
		"detach subscription slot publication table role " "$SCENARIO: subscriptions detached and dropped, then slots, publications, tables and roles"
}

sc_move_cut_off() {
	local bulk=
	fresh_cluster || return
	if [ "$FIXTURE_TIER" = real ]; then
		bulk_table || setup_failed "could not fill app.bulk" || return
		bulk=$(bulk_checksum coord)
		CHECKSUM_BEFORE=$(checksum w2)
		move_cut_off app.bulk || setup_failed "the move made no replication slot" || return
		churn "$MOVE_SOURCE"
	else
		CHECKSUM_BEFORE=$(checksum w2)
		pgc_destroy coord
		plant_leftovers || setup_failed "could not plant the leftovers" || return
	fi
	new_node || return
	unlike "$(all_leftovers)" "^w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0$" "$SCENARIO: the cut-off left something behind"
	expect_leftovers_planned
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: apply runs every step"
	run verify $(at newc) --move-shard
	expect_code 0 "$SCENARIO: verify passes, shard move included"
	after_leftovers newc "$bulk"
	[ "$FIXTURE_TIER" = real ] || is "$(pgc_sql w2 "SELECT count(*) FROM app.accounts_2023")" 0 \
		"$SCENARIO: a table that only looks like a shard is kept"
	pgc_sql w3 "SELECT pg_create_logical_replication_slot('citus_shard_move_slot_9_10_99', 'pgoutput')" >/dev/null
	run verify $(at newc)
	expect_code 30 "$SCENARIO: verify fails while a leftover remains"
	like "$OUT" "FAIL  10. no leftovers of interrupted shard moves or splits: 1 left.*citus_shard_move_slot_9_10_99" \
		"$SCENARIO: and names it"
}
scenario "move cut off mid-copy" sc_move_cut_off

# The rebalancer's moves run from the coordinator's background tasks.
sc_rebalance_cut_off() {
	local bulk
	fresh_cluster || return
	bulk_table w3 || setup_failed "could not fill app.bulk" || return
	bulk=$(bulk_checksum coord)
	CHECKSUM_BEFORE=$(checksum w2)
	cut_off w3 "SELECT citus_rebalance_start(shard_transfer_mode := 'force_logical')" ||
		setup_failed "the rebalance made no replication slot" || return
	new_node || return
	unlike "$(all_leftovers)" "^w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0$" "$SCENARIO: the cut-off left something behind"
	run recover $(at w1) --new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: recover cleans up and verifies"
	like "$OUT" "warn  leftovers:" "$SCENARIO: after warning of the leftovers"
	after_leftovers newc "$bulk"
	pgc_psql newc -c "SET client_min_messages = warning" -c "SELECT citus_rebalance_start(shard_transfer_mode := 'force_logical')" -c "SELECT citus_rebalance_wait()" >/dev/null
	ok $? "$SCENARIO: the rebalance can be run again to its end"
	is "$(bulk_checksum newc)" "$bulk" "$SCENARIO: with every row"
}
if [ "$FIXTURE_TIER" = real ]; then
	scenario "rebalance cut off" sc_rebalance_cut_off
fi

# --- the plan file in psql -----------------------------------------------------
sc_plan_run_by_psql() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	OUT=$(psql -X -q -h 127.0.0.1 -p "$(pgc_port w2)" -U postgres -d postgres -f "$WORK/plan.sql" 2>&1)
	CODE=$?
	expect_code 0 "$SCENARIO: psql runs it without error"
	run verify $(at newc) --move-shard
	expect_code 0 "$SCENARIO: the cluster it makes passes verify"
	is "$(checksum w2)" "$CHECKSUM_BEFORE" "$SCENARIO: rows and checksums unchanged"
}
scenario "plan run by psql" sc_plan_run_by_psql

pgc_cleanup

# --- the new node's connections to the workers ---------------------------------
# Citus gives every node the same role password, hash and all (a hash that
# differs would fail roles-match); w3 alone asks for it.
passwords_everywhere() {
	local name hash
	pgc_password w3 on || return 1
	hash=$(PGPASSWORD=sekret pgc_sql w3 "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'") || return 1
	for name in w1 w2 newc; do
		pgc_sql "$name" "SET citus.enable_alter_role_propagation = off; ALTER ROLE postgres PASSWORD '$hash'" >/dev/null || return 1
	done
}

metadata_of() {
	pgc_sql "$1" "SELECT (SELECT groupid FROM pg_dist_local_group) || '/' || (SELECT count(*) FROM pg_dist_node)"
}

sc_new_node_cannot_reach_a_worker() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: a plan made while every worker lets the new node in"
	like "$OUT" "pass  new-node-reaches-workers: $(addr newc) reaches every worker \\(3\\)" "$SCENARIO: which pre-flight proves"
	passwords_everywhere || setup_failed "could not set the passwords" || return
	local before_w2 before_newc
	before_w2=$(PGPASSWORD=sekret metadata_of w2)
	before_newc=$(metadata_of newc)
	export PGPASSWORD=sekret
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan2.sql"
	expect_code 10 "$SCENARIO: once w3 wants a password the new node lacks, plan refuses"
	like "$OUT" "FAIL  new-node-reaches-workers: $(addr newc) cannot reach 1 worker: $(addr w3): connection to the remote node" \
		"$SCENARIO: naming the worker and Citus's error"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 10 "$SCENARIO: apply of the earlier plan is refused at the gate"
	like "$OUT" "the new node cannot reach every worker, so nothing was changed" "$SCENARIO: saying why"
	is "$(metadata_of w2)/$(metadata_of newc)" "$before_w2/$before_newc" "$SCENARIO: nothing changed on the donor or the new node"
	unset PGPASSWORD
	unlike "$OUT$(cat "$WORK/plan2.sql")" "sekret" "$SCENARIO: no password in the output or the plan"
}
scenario "new node cannot reach a worker" sc_new_node_cannot_reach_a_worker

# Citus never syncs pg_dist_authinfo: the workers' own rows (the same on
# each) reach the new coordinator through the donor.  The stand-in has no
# pg_dist_authinfo, so this runs on real Citus only.
sc_authinfo_copied_to_the_new_node() {
	[ "$FIXTURE_TIER" = real ] || { echo "# the stand-in has no pg_dist_authinfo: $SCENARIO runs on real Citus"; return 0; }
	setup || return
	passwords_everywhere || setup_failed "could not set the passwords" || return
	export PGPASSWORD=sekret
	local name
	for name in w1 w2 w3; do
		pgc_sql "$name" "INSERT INTO pg_dist_authinfo SELECT nodeid, 'postgres', 'password=sekret' FROM pg_dist_node WHERE nodeport = $(pgc_port w3)" >/dev/null ||
			{ unset PGPASSWORD; setup_failed "could not add the authinfo rows"; return; }
	done
	run discover $(at w2) --json
	is "$(printf '%s' "$OUT" | jq -r '.ledger[] | select(.item == "authinfo") | .fate')" "rebuilt from workers" \
		"$SCENARIO: the ledger says the authinfo is rebuilt from the workers"
	recover_in_steps newc --new-coordinator "$(addr newc)"
	like "$(cat "$WORK/plan.sql")" "-- ledger: authinfo \\(pg_dist_authinfo\\): rebuilt from workers" "$SCENARIO: and so does the plan header"
	like "$(cat "$WORK/plan.sql")" "given the workers' pg_dist_authinfo rows the plan copies" "$SCENARIO: pre-flight proved the connections with them"
	is "$(pgc_sql newc "SELECT count(*) FROM pg_dist_authinfo WHERE rolename = 'postgres'")" 1 "$SCENARIO: the new coordinator has the row"
	unset PGPASSWORD
	unlike "$(cat "$WORK/plan.sql" "$WORK/run/journal.log")$OUT" "sekret" "$SCENARIO: no password in the plan, the journal or the output"
}
scenario "authinfo copied to the new node" sc_authinfo_copied_to_the_new_node

# Citus's full metadata sync (--full-resync) gives every worker the donor's
# roles (its citus_add_node() gives them to the new node first): a worker
# whose postgres password differs would lose it.  The targeted change
# leaves the workers' roles alone.  The stand-in's sync pushes no
# roles and the planner tests cover the check, so this runs on real Citus.
password_digest() {
	pgc_sql "$1" "SELECT md5(coalesce(rolpassword, '')) FROM pg_authid WHERE rolname = 'postgres'"
}

sc_roles_differ() {
	[ "$FIXTURE_TIER" = real ] || { echo "# the stand-in's metadata sync pushes no roles: $SCENARIO runs on real Citus"; return 0; }
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" --full-resync -o "$WORK/earlier.sql"
	expect_code 0 "$SCENARIO: a plan made while the roles agree"
	pgc_sql w3 "SET citus.enable_alter_role_propagation = off; ALTER ROLE postgres PASSWORD 'sekret'" >/dev/null ||
		setup_failed "could not set the password" || return
	local before
	before=$(metadata_of w2)/$(metadata_of newc)/$(password_digest w1)/$(password_digest w3)
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/targeted.sql"
	expect_code 0 "$SCENARIO: without a full sync the plan passes"
	# the new node's own roles may differ from the donor's (they do on Citus 11.3 and 12.1): that is a warning
	like "$OUT" "(pass  roles-match: no metadata sync overwrites the workers' roles|warn  roles-match: the new node's roles take)" \
		"$SCENARIO: saying why: no sync overwrites the workers' roles"
	run plan $(at w2) --new-coordinator "$(addr newc)" --full-resync -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: with --full-resync, plan refuses"
	like "$OUT" "FAIL  roles-match: the metadata sync gives every worker $(addr w2)'s password and attributes of these roles, which differ on: postgres \\($(addr w3)\\)" \
		"$SCENARIO: naming the role and the worker"
	run apply "$WORK/earlier.sql" --workdir "$WORK/run-earlier" --yes
	expect_code 10 "$SCENARIO: the plan made earlier is refused when applied"
	like "$OUT" "differ on: postgres \\($(addr w3)\\)" "$SCENARIO: because the role now differs, not because the plan is stale"
	run recover $(at w2) --new-coordinator "$(addr newc)" --full-resync --workdir "$WORK/run" --yes
	expect_code 10 "$SCENARIO: recover refuses too"
	is "$(metadata_of w2)/$(metadata_of newc)/$(password_digest w1)/$(password_digest w3)" "$before" \
		"$SCENARIO: nothing changed: metadata, and the passwords on the workers"
	unlike "$OUT$(cat "$WORK/plan.sql")" "SCRAM-SHA-256|sekret" "$SCENARIO: no password or hash in the output or the plan"
}
scenario "roles differ" sc_roles_differ
