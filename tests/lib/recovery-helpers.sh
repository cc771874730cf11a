# What the recovery scenarios share with the other files that plan, apply
# and verify: addresses, a fresh cluster whose coordinator is gone, a new
# node, the rows' checksum, a held lock.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"
. "$top_srcdir/tests/lib/hard-shapes.sh"

# fresh_cluster FIXTURE-OPTIONS...: the previous scenario's servers gone, a
# new cluster with its coordinator
fresh_cluster() {
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create "$@" || setup_failed "could not build the $FIXTURE_TIER fixture" || return
}

# An empty node with Citus to take the coordinator's place, and a work directory
new_node() {
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
}

# A fresh cluster whose coordinator is gone, and (for the new-node method)
# an empty node with Citus to take its place.
setup() {
	fresh_cluster "$@" || return
	CHECKSUM_BEFORE=$(checksum w2)
	pgc_destroy coord
	new_node
}

# Rows and their checksum, read through a worker (or the coordinator)
checksum() {
	pgc_psql "$1" -c "SELECT (SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY tenant_id, id)) FROM app.accounts a)
	                   || '/' || (SELECT count(*) || ':' || md5(string_agg(o::text, ',' ORDER BY tenant_id, id)) FROM app.orders o)
	                   || '/' || (SELECT count(*) || ':' || md5(string_agg(c::text, ',' ORDER BY code)) FROM app.currencies c)"
}

run() {
	OUT=$(rescue "$@" 2>&1)
	CODE=$?
}

# plan + apply + verify; $1 is the node to verify, the rest plan options
recover_in_steps() {
	local coordinator=$1; shift
	run plan $(at w2) "$@" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan passes pre-flight"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: apply runs every step"
	run verify $(at "$coordinator") --move-shard
	expect_code 0 "$SCENARIO: verify passes, shard move included"
}

after_checks() {
	local coordinator=$1
	is "$(checksum w2)" "$CHECKSUM_BEFORE" "$SCENARIO: rows and checksums unchanged"
	pgc_sql "$coordinator" "INSERT INTO app.orders (tenant_id, account_id, amount) VALUES (7, 1, 9.99)" >/dev/null
	ok $? "$SCENARIO: insert into an int serial column through the new coordinator"
	is "$(pgc_sql "$coordinator" "SELECT count(*) FROM (SELECT id FROM app.orders GROUP BY id HAVING count(*) > 1) d")" 0 \
		"$SCENARIO: no serial id reused"
	pgc_sql "$coordinator" "ALTER TABLE app.accounts ADD COLUMN note text" >/dev/null
	ok $? "$SCENARIO: DDL on a distributed table works"
	is "$(stat -c %a "$WORK/run/journal.log")" 600 "$SCENARIO: the journal is private"
	ok $([ -x "$WORK/run/restore.sh" ] && grep -q "^COPY pg_catalog.pg_dist_placement " "$WORK/run/backup/127.0.0.1_$(pgc_port w2)/restore.sql" && echo 0 || echo 1) \
		"$SCENARIO: metadata backup and restore script written"
	unlike "$(cat "$WORK/run/journal.log")" "sekret|password=" "$SCENARIO: no password in the journal"
}

# A session holding an exclusive lock makes a step wait, so that the tool
# can be killed at a known point.
hold_lock() {
	local node=$1 table=$2 seconds=$3 mode=${4:-ACCESS EXCLUSIVE}
	pgc_psql "$node" -c "BEGIN" -c "LOCK TABLE $table IN $mode MODE" -c "SELECT pg_sleep($seconds)" -c "COMMIT" >/dev/null 2>&1 &
	sleep 0.5
}

# wait_journal PATTERN [TENTHS]: until the journal has a line matching
# PATTERN, for TENTHS (100) tenths of a second at most
wait_journal() {
	local pattern=$1 tenths=${2:-100} i=0
	while [ $i -lt "$tenths" ]; do
		grep -Eq -- "$pattern" "$WORK/run/journal.log" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
