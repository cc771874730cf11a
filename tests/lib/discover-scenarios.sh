# The discover scenarios, run on the stand-in and on real Citus alike.
# Sourced by tests/discover-standin.sh and tests/discover-real.sh after
# FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"

# run_discover ARGS...: sets OUT (stdout+stderr) and CODE
run_discover() {
	OUT=$(rescue discover -U postgres --timeout 5 "$@" 2>&1)
	CODE=$?
}

run_json() {
	OUT=$(rescue discover -U postgres --timeout 5 --json "$@" 2>/dev/null)
	CODE=$?
}

from() {
	echo -h 127.0.0.1 -p "$(pgc_port "$1")"
}

jq_is() {
	# jq_is FILTER WANT DESCRIPTION
	local filter=$1 want=$2; shift 2
	is "$(printf '%s' "$OUT" | jq -r "$filter" 2>&1)" "$want" "$*"
}

# main_cluster alive|gone: the cluster most scenarios share (CIM include),
# built once; its coordinator still alive, or destroyed for good
main_cluster() {
	if [ "$PGC_KIND" != main ] || { [ "$1" = alive ] && [ "$MAIN_COORDINATOR" = gone ]; }; then
		fresh_cluster main || return
		MAIN_COORDINATOR=alive
	fi
	if [ "$1" = gone ] && [ "$MAIN_COORDINATOR" = alive ]; then
		pgc_destroy coord
		MAIN_COORDINATOR=gone
	fi
}

# fresh_cluster KIND FIXTURE-OPTIONS...: the previous scenario's servers
# gone, a new cluster with its coordinator
fresh_cluster() {
	local kind=$1; shift
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create "$@" || setup_failed "could not build the $FIXTURE_TIER fixture ($kind)" || return
	PGC_KIND=$kind
}

# --- one coordinator, three workers, coordinator in the metadata ----------
sc_live_coordinator() {
	main_cluster alive || return
	run_discover $(from w1)
	expect_code 6 "a live coordinator is refused (exit 6)"
	like "$OUT" "A COORDINATOR STILL ANSWERS" "and said loudly"
}
scenario "live coordinator" sc_live_coordinator

sc_coordinator_gone() {
	main_cluster gone || return
	run_discover $(from w1)
	expect_code 0 "all reachable and agreeing after the coordinator is gone"
	like "$(printf '%s\n' "$OUT" | head -1)" "^Discovered " "a tested version: the report starts with what it found"
	like "$OUT" "in the metadata \\(CIM include\\)" "CIM include detected"
	like "$OUT" "does not answer, as it must not" "old coordinator reported gone"
	for c in pg_dist_node pg_dist_placement pg_dist_shard pg_dist_partition pg_dist_colocation; do
		like "$OUT" "$c +agree on 3 nodes" "$c agrees on the three workers"
	done
	like "$OUT" "Metadata-synced workers: 127.0.0.1:[0-9]+ 127.0.0.1:[0-9]+ 127.0.0.1:[0-9]+" "three metadata-synced workers listed"
	if [ "$FIXTURE_TIER" = standin ]; then
		like "$OUT" "SIMULATION: every node that answered runs the citus-rescue stand-in, not Citus\." \
			"the stand-in says it is not Citus"
	else
		unlike "$OUT" "SIMULATION" "real Citus is no simulation"
	fi

	run_json $(from w2)
	expect_code 0 "discovery from a worker other than group 1 works too"
	jq_is '.nodes | length' 4 "four nodes in pg_dist_node"
	jq_is '.cim' include "JSON says CIM include"
	jq_is '[.nodes[] | select(.reachable)] | length' 3 "three reachable"
	jq_is '[.nodes[] | select(.old_coordinator)][0].groupid' 0 "old coordinator is group 0"
	jq_is '[.nodes[] | select(.first)][0].local_group' 2 "first node's local group read"
	jq_is '[.nodes[] | select(.reachable) | .citus_version] | unique | length' 1 "one Citus version everywhere"
	jq_is '[.nodes[] | select(.reachable) | .server_version_num >= 150000] | all' true "PostgreSQL versions read"
	jq_is '.catalogs | map(.agree) | all' true "every catalog agrees"
	jq_is '[.nodes[] | select(.reachable) | .catalogs.pg_dist_placement.rows] | unique | length' 1 "same placement count everywhere"
	jq_is '.max_ids.shardid >= 102008' true "highest shard id found"
	jq_is '[.nodes[] | select(.reachable) | .standin] | unique | tostring' \
		"$([ "$FIXTURE_TIER" = standin ] && echo '[true]' || echo '[false]')" "each node says whether it runs the stand-in"
	jq_is '[.nodes[] | select(.reachable | not) | .standin] | all(. == false)' true "a node not read is not called one"
	jq_is '[.nodes[] | select(.reachable) | .sequences | has("pg_dist_colocationid_seq")] | all' true "sequence values read"
	# every Citus the real tier runs on was tested: none is warned about
	jq_is '.version_support + " " + (.version_statement | tostring)' "supported null" \
		"a tested Citus on PostgreSQL 15 is supported, with nothing to say"
}
scenario "coordinator gone" sc_coordinator_gone

# --- a node that does not answer --------------------------------------------
sc_stopped_worker() {
	main_cluster gone || return
	pgc_stop w3
	run_discover $(from w1)
	expect_code 4 "a stopped worker: exit 4"
	like "$OUT" "unreachable" "shown as unreachable"
	like "$OUT" "Connection refused" "with the exact error"
	pgc_restart w3
}
scenario "stopped worker" sc_stopped_worker

# --- a node that hangs ------------------------------------------------------
sc_frozen_worker() {
	main_cluster gone || return
	pgc_freeze w3
	start=$(date +%s%N)
	OUT=$(rescue discover -U postgres --timeout 2 $(from w1) 2>&1)
	CODE=$?
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	pgc_thaw w3
	expect_code 4 "a frozen worker: exit 4"
	like "$OUT" "timeout" "shown as timed out"
	ok $([ "$elapsed_ms" -lt 4000 ] && echo 0 || echo 1) "returned at the deadline, not later ($elapsed_ms ms for a 2 s deadline)"
}
scenario "frozen worker" sc_frozen_worker

# --- metadata that disagrees ------------------------------------------------
sc_metadata_that_disagrees() {
	main_cluster gone || return
	moved=$(pgc_sql w2 "SELECT shardid FROM pg_catalog.pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET groupid = 3 WHERE shardid = $moved" >/dev/null
	run_discover $(from w1)
	expect_code 5 "a placement that differs on one worker: exit 5"
	like "$OUT" "pg_dist_placement +DISAGREE" "the placement catalog is flagged"
	like "$OUT" "- shardid=$moved groupid=1" "the row the others have is shown"
	like "$OUT" "\\+ shardid=$moved groupid=3" "the row the odd node has is shown"
	run_json $(from w1)
	jq_is '[.catalogs[] | select(.agree | not) | .name] | join(",")' pg_dist_placement "only pg_dist_placement disagrees"
	jq_is ".catalogs[1].differences[0].extra[0] | join(\",\")" "$moved,3" "JSON carries the differing row, a value per column"
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET groupid = 1 WHERE shardid = $moved" >/dev/null
}
scenario "metadata that disagrees" sc_metadata_that_disagrees

# placement ids may differ between nodes: that is not a disagreement
sc_placement_ids_differ() {
	main_cluster gone || return
	moved=$(pgc_sql w2 "SELECT shardid FROM pg_catalog.pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET placementid = placementid + 1000 WHERE shardid = $moved" >/dev/null
	run_discover $(from w1)
	expect_code 0 "placements compared as (shardid, groupid), not by placementid"
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET placementid = placementid - 1000 WHERE shardid = $moved" >/dev/null
}
scenario "placement ids differ" sc_placement_ids_differ

# --- addresses the console reaches by another name --------------------------
sc_address_reached_by_another_name() {
	main_cluster gone || return
	w3port=$(pgc_port w3)
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = 'w3.invalid' WHERE nodeport = $w3port" >/dev/null
	done
	run_discover $(from w1)
	expect_code 4 "a name the console cannot resolve: unreachable"
	run_discover $(from w1) --map "w3.invalid:$w3port=127.0.0.1:$w3port"
	expect_code 0 "--map reaches it"
	like "$OUT" "w3.invalid:$w3port via 127.0.0.1:$w3port" "and the report says how"
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = '127.0.0.1' WHERE nodeport = $w3port" >/dev/null
	done
}
scenario "address the console reaches by another name" sc_address_reached_by_another_name

# --- hostile node names -------------------------------------------------------
sc_hostile_node_names() {
	main_cluster gone || return
	w3port=$(pgc_port w3)
	hostile=$'w3"\'\\</B><C>\nx'
	hostile_sql=$(printf '%s' "$hostile" | sed "s/'/''/g")
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = E'$(printf '%s' "$hostile_sql" | sed 's/\\/\\\\/g; s/$/\\n/' | tr -d '\n' | sed 's/\\n$//')' WHERE nodeport = $w3port" >/dev/null
	done
	got=$(pgc_sql w1 "SELECT nodename FROM pg_catalog.pg_dist_node WHERE nodeport = $w3port")
	is "$got" "$hostile" "the hostile name is stored as intended"
	run_discover $(from w1)
	expect_code 4 "a hostile name cannot be reached"
	like "$OUT" 'w3"'"'"'\\\\</B><C>\\nx:' "shown with its newline escaped"
	is "$(printf '%s\n' "$OUT" | grep -c '^x:')" 0 "no raw newline from the name reaches the terminal"
	run_discover $(from w1) --map "$hostile:$w3port=127.0.0.1:$w3port"
	expect_code 0 "--map takes a hostile name"
	run_json $(from w1)
	jq_is ".nodes[] | select(.nodeport == $w3port) | .nodename" "$hostile" "JSON keeps the name exactly"
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = '127.0.0.1' WHERE nodeport = $w3port" >/dev/null
	done
}
scenario "hostile node names" sc_hostile_node_names

# --- the first node ----------------------------------------------------------
sc_unreachable_first_node() {
	run_discover -h 127.0.0.1 -p "$(pgc_free_port)"
	expect_code 3 "an unreachable first node: exit 3"
	like "$OUT" "^citus-rescue: ERROR:  connection to server" "with libpq's message, in PostgreSQL's shape"
}
scenario "unreachable first node" sc_unreachable_first_node

sc_plain_postgresql() {
	[ -n "$PGC_ROOT" ] || pgc_init || setup_failed "could not make a directory for the servers" || return
	pgc_start plain || setup_failed "could not start a plain server" || return
	run_discover $(from plain)
	expect_code 3 "plain PostgreSQL: exit 3"
	like "$OUT" "is not a Citus node: the citus extension is not installed" "and says why"
}
scenario "plain PostgreSQL" sc_plain_postgresql

sc_standby() {
	main_cluster gone || return
	pgc_standby standby w2 || echo "# could not make a standby"
	run_discover $(from standby)
	expect_code 3 "a standby: exit 3"
	like "$OUT" "is a standby" "and says so"
}
scenario "standby" sc_standby

sc_connection_options() {
	main_cluster gone || return
	if command -v tmux >/dev/null; then
		tmux_start 100 30 "$RESCUE discover -U postgres --timeout 5 $(from w2) | tail -3"
		is "$(tmux_wait_exit)" 0 "on a terminal, with trust: no prompt"
		unlike "$(tmux_screen)" "Password" "no password asked when none is wanted"
		tmux_stop
	fi
	run_discover -d "host=127.0.0.1 port=$(pgc_port w2) dbname=postgres"
	expect_code 0 "a conninfo string in -d"
	run_discover -d "postgresql://postgres@127.0.0.1:$(pgc_port w2)/postgres"
	expect_code 0 "a URI in -d"
	OUT=$(PGHOST=127.0.0.1 PGPORT=$(pgc_port w2) PGUSER=postgres rescue discover --timeout 5 2>&1)
	CODE=$?
	expect_code 0 "PG* environment variables"

	services=$(mktemp)
	printf '[rescue]\nhost=127.0.0.1\nport=%s\nuser=postgres\ndbname=postgres\n' "$(pgc_port w2)" >"$services"
	OUT=$(PGSERVICEFILE=$services rescue discover -d service=rescue --timeout 5 2>&1)
	CODE=$?
	rm -f "$services"
	expect_code 0 "a connection service file"
	like "$OUT" "Discovered 4 nodes from 127.0.0.1:$(pgc_port w2)" "and every node reached from it"
}
scenario "connection options" sc_connection_options

# --- passwords ---------------------------------------------------------------
sc_passwords() {
	main_cluster gone || return
	pgc_password w1 on
	ok $? "a password set on the first worker alone"
	OUT=$(PGPASSWORD=wrong rescue discover -U postgres --timeout 5 $(from w1) 2>&1)
	CODE=$?
	expect_code 3 "a wrong password: exit 3"
	like "$OUT" "password authentication failed" "with the server's message"
	OUT=$(PGPASSWORD= rescue discover -U postgres -w --timeout 5 $(from w1) </dev/null 2>&1)
	CODE=$?
	expect_code 3 "-w with no password available: exit 3"
	like "$OUT" "no password supplied" "with libpq's message"
	OUT=$(PGPASSWORD=sekret rescue discover -U postgres --timeout 5 $(from w1) 2>&1)
	CODE=$?
	expect_code 0 "the right password in PGPASSWORD"
	pgpass=$(mktemp)
	echo "127.0.0.1:$(pgc_port w1):*:postgres:sekret" >"$pgpass"
	chmod 600 "$pgpass"
	OUT=$(PGPASSFILE=$pgpass rescue discover -U postgres -w --timeout 5 $(from w1) 2>&1)
	CODE=$?
	expect_code 0 "the password from a password file"
	rm -f "$pgpass"
	unlike "$OUT" "sekret" "the password never reaches the output"
	if command -v tmux >/dev/null; then
		# asked on the terminal, once, because the server wants one
		tmux_start 100 30 "env -u PGPASSWORD PGPASSFILE=/nonexistent $RESCUE discover -U postgres --timeout 5 $(from w1) | tail -3"
		tmux_wait_for "Password for user postgres:"
		ok $? "a password is asked for when the server wants one"
		tmux_cmd send-keys -t t sekret Enter
		is "$(tmux_wait_exit)" 0 "and the typed password is used"
		unlike "$(tmux_screen)" "sekret" "without echo"
		like "$(tmux_screen)" "Result: every node answered" "the other nodes were reached too"
		tmux_stop
	fi
	pgc_password w1 off
}
scenario "passwords" sc_passwords

# --- partly synced metadata --------------------------------------------------
# plan_checks FIRST: the pre-flight lines of a plan made from FIRST, with a
# new node that does not answer (only the checks matter here)
plan_checks() {
	OUT=$(rescue plan -U postgres --timeout 5 $(from "$1") --new-coordinator 127.0.0.1:1 -o /dev/null 2>&1)
	CODE=$?
}

# set_synced NODE-ROW hasmetadata metadatasynced ON...: what the nodes ON
# believe of NODE-ROW
set_synced() {
	local row=$1 has=$2 synced=$3 node; shift 3
	for node in "$@"; do
		pgc_sql "$node" "UPDATE pg_catalog.pg_dist_node SET hasmetadata = $has, metadatasynced = $synced
		                  WHERE nodeport = $(pgc_port "$row")" >/dev/null || return 1
	done
}

sc_partly_synced_metadata() {
	main_cluster gone || return
	set_synced w3 true false w1 w2 w3 || setup_failed "could not mark w3 unsynced" || return
	plan_checks w3
	like "$OUT" "FAIL  workers-synced: not metadata-synced: 127\\.0\\.0\\.1:$(pgc_port w3)\$" \
		"a worker whose metadata sync never finished fails pre-flight, named"
	like "$OUT" "pass  donor: 127\\.0\\.0\\.1:$(pgc_port w1) \\(group 1\\)" \
		"the donor is a synced worker, not the unsynced node the plan started from"
	set_synced w1 true false w1 w2 w3 && set_synced w2 true false w1 w2 w3 ||
		setup_failed "could not mark every worker unsynced" || return
	plan_checks w1
	like "$OUT" "FAIL  donor: no worker can donate metadata: 127\\.0\\.0\\.1:$(pgc_port w1) \\(metadata not synced\\), 127\\.0\\.0\\.1:$(pgc_port w2) \\(metadata not synced\\), 127\\.0\\.0\\.1:$(pgc_port w3) \\(metadata not synced\\)" \
		"with no synced worker the donor check fails, listing each worker and why"
	set_synced w1 true true w1 w2 w3 && set_synced w2 true true w1 w2 w3 && set_synced w3 true true w1 w2 w3 ||
		setup_failed "could not mark the workers synced again" || return
	# w3 keeps metadata that w1 and w2 believe it has not: its view is not compared
	set_synced w3 false false w1 w2 && pgc_sql w3 "UPDATE pg_catalog.pg_dist_node SET shouldhaveshards = false WHERE nodeport = $(pgc_port w3)" >/dev/null ||
		setup_failed "could not take w3's metadata away" || return
	plan_checks w1
	like "$OUT" "pass  metadata-agrees" "a worker without metadata is not compared"
	like "$OUT" "warn  workers-synced: without metadata \\(hasmetadata false\\), so not compared and never a donor: 127\\.0\\.0\\.1:$(pgc_port w3);" \
		"and pre-flight says so"
	run_discover $(from w1)
	expect_code 0 "discover: a worker without metadata does not make the metadata disagree"
	set_synced w3 true true w1 w2 w3 && pgc_sql w3 "UPDATE pg_catalog.pg_dist_node SET shouldhaveshards = true WHERE nodeport = $(pgc_port w3)" >/dev/null
	run_discover $(from w1)
	expect_code 0 "all synced again"
}
scenario "partly synced metadata" sc_partly_synced_metadata

# --- a standby of the old coordinator, registered in group 0 ------------------
sc_coordinator_standby() {
	local node
	if [ "$FIXTURE_TIER" = real ]; then
		fresh_cluster coordinator-standby || return
		fixture_coordinator_standby cstandby || setup_failed "could not register a standby of the coordinator" || return
		pgc_destroy coord
	else
		# a cluster of its own would cost the stand-in tier seconds: a standby
		# of w2 that group 0 lists looks to discovery as the coordinator's would
		main_cluster gone || return
		pgc_standby cstandby w2 || setup_failed "could not make a standby" || return
		for node in w1 w2 w3; do
			pgc_sql "$node" "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, noderole, hasmetadata, isactive, metadatasynced, shouldhaveshards)
			                  VALUES (9, 0, '127.0.0.1', $(pgc_port cstandby), 'secondary', false, true, false, false)" >/dev/null ||
				setup_failed "could not register the standby" || return
		done
		PGC_KIND=changed
	fi
	run_discover $(from w1)
	expect_code 0 "a standby of the old coordinator in recovery is no live coordinator (exit 0)"
	like "$OUT" "127\\.0\\.0\\.1:$(pgc_port cstandby) is a standby of the old coordinator and answers" "it is reported, by address"
	like "$OUT" "promoting it is the better way out" "with the better way out"
	like "$OUT" "retire that standby for good" "and what going on demands"
	like "$OUT" "What died with the old coordinator \\(from 3 workers\\)" "the ledger does not count it among the workers"
	run_json $(from w1)
	jq_is "[.nodes[] | select(.coordinator_standby) | .nodeport] | join(\",\")" "$(pgc_port cstandby)" "JSON marks it"
	jq_is '[.catalogs[] | .compared] | unique | join(",")' 3 "its catalogs are not compared with the survivors'"
	plan_checks w1
	like "$OUT" "warn  coordinator-standby: standby of the old coordinator, in recovery: 127\\.0\\.0\\.1:$(pgc_port cstandby)" \
		"pre-flight warns about it"
	like "$OUT" "pass  old-coordinator-gone" "and does not take it for the old coordinator"
	pgc_stop cstandby
	run_discover $(from w1)
	expect_code 0 "a standby gone with the old coordinator is not an unreachable worker"
	plan_checks w1
	like "$OUT" "pass  coordinator-standby: the old coordinator's standby 127\\.0\\.0\\.1:$(pgc_port cstandby) does not answer either" \
		"pre-flight says its row goes"
}
scenario "standby of the old coordinator" sc_coordinator_standby

# --- coordinator outside the metadata ----------------------------------------
sc_coordinator_outside_the_metadata() {
	fresh_cluster cim-exclude --cim exclude || return
	oldport=$(pgc_port coord)
	run_discover $(from w1) --old-coordinator "127.0.0.1:$oldport"
	expect_code 6 "CIM exclude: a live coordinator given by --old-coordinator is refused"
	pgc_destroy coord
	run_json $(from w1)
	expect_code 0 "CIM exclude: all reachable and agreeing"
	jq_is '.cim' exclude "CIM exclude detected"
	jq_is '.nodes | length' 3 "three nodes, no coordinator row"
	run_discover $(from w1) --old-coordinator "127.0.0.1:$oldport"
	expect_code 0 "the old address no longer answers"
	like "$OUT" "not in the metadata \\(CIM exclude\\); it does not answer" "and the report says so"
}
scenario "coordinator outside the metadata" sc_coordinator_outside_the_metadata

# --- a worker removed before the disaster ------------------------------------
sc_worker_removed_before_the_disaster() {
	fresh_cluster removed-worker --remove-worker || return
	pgc_destroy coord
	run_json $(from w2)
	expect_code 0 "worker removed before the disaster: all reachable and agreeing"
	jq_is '[.nodes[] | .groupid] | sort | map(tostring) | join(",")' "0,2,3" "groups 0, 2 and 3: no group 1"
	jq_is '[.catalogs[] | .agree] | all' true "catalogs agree"
}
scenario "worker removed before the disaster" sc_worker_removed_before_the_disaster

pgc_cleanup

# --- what died with the coordinator ------------------------------------------
sc_ledger() {
	main_cluster gone || return
	run_json $(from w1)
	jq_is '[.ledger[].item] | join(",")' \
		"cleanup-records,rebalance-jobs,rebalance-strategies,authinfo,poolinfo,local-tables,citus-settings,cron-jobs" \
		"$SCENARIO: discover --json has a ledger entry per item"
	jq_is '[.ledger[] | select(.item == "local-tables" or .item == "cron-jobs") | .fate] | join(",")' \
		"restore from backup,restore from backup" "$SCENARIO: plain tables and cron jobs are restored from backups"
	jq_is '.ledger[] | select(.item == "authinfo") | .fate' unknown "$SCENARIO: no authinfo on the workers: unknown"
	if [ "$FIXTURE_TIER" = real ]; then
		jq_is '.ledger[] | select(.item == "cleanup-records") | .workers_show' "0 rows on each of 3 workers" \
			"$SCENARIO: the workers' pg_dist_cleanup is empty"
		jq_is '.ledger[] | select(.item == "rebalance-strategies") | .workers_show' \
			"only the default strategies on 3 workers" "$SCENARIO: the workers hold the default strategies only"
		jq_is '.ledger[] | select(.item == "citus-settings") | .workers_show | contains("citus.shard_count = 8")' true \
			"$SCENARIO: the workers' citus.* settings are shown"
	fi
	run_discover $(from w1)
	like "$OUT" "What died with the old coordinator \\(from 3 workers\\)" "$SCENARIO: and the text report too"
	like "$OUT" "local-tables +the coordinator's plain tables +restore from backup" "$SCENARIO: an item per line, with its fate"
}
scenario "ledger" sc_ledger
