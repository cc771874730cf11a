# Faults at every point of a recovery, on the stand-in and on real Citus
# alike: kill -9 at every journal record, a journal write failing at every
# record, SIGTERM/SIGHUP/SIGPIPE at every step boundary and inside the
# all-nodes step, refused gates rerun, a torn journal, and a work directory
# that is not safe; on real Citus, kill -9 and failing writes at every
# record of a recovery of the hard shapes too.  Sourced after FIXTURE_TIER
# is set.
#
# A faulted run is followed by the same command again, which must finish
# the recovery: recover's own verify passes, the rows are unchanged and no
# prepared transaction is left on any node.  The cluster is then put back
# from a copy of its servers' data, for the next fault.

. "$top_srcdir/tests/lib/rescue.sh"
. "$top_srcdir/tests/lib/hard-shapes.sh"

run() {
	OUT=$(rescue "$@" 2>&1)
	CODE=$?
}

# The rows, read through the coordinator on real Citus; on the stand-in
# (which has no distributed executor) straight from every worker's shards
checksum() {
	local name
	if [ "$FIXTURE_TIER" = real ]; then
		pgc_psql "$1" -c "SELECT (SELECT count(*) || ':' || md5(string_agg(a::text, ',' ORDER BY tenant_id, id)) FROM app.accounts a)
		                   || '/' || (SELECT count(*) || ':' || md5(string_agg(o::text, ',' ORDER BY tenant_id, id)) FROM app.orders o)
		                   || '/' || (SELECT count(*) || ':' || md5(string_agg(c::text, ',' ORDER BY code)) FROM app.currencies c)"
		return
	fi
	for name in w1 w2 w3; do
		pgc_psql "$name" -c "SELECT string_agg(c.relname || '=' || (xpath('/row/d/text()',
		          query_to_xml(format('SELECT count(*) || '':'' || md5(string_agg(t::text, '','' ORDER BY t::text)) AS d FROM %I.%I t',
		                              n.nspname, c.relname), false, true, '')))[1]::text, ' ' ORDER BY c.relname)
		            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		           WHERE n.nspname = 'app' AND c.relkind = 'r' AND c.relname ~ '_[0-9]+$'"
	done | md5sum | cut -c1-32
}

# Prepared transactions left on the surviving nodes and the new one
prepared_left() {
	local total=0 name n
	for name in w1 w2 w3 newc; do
		n=$(pgc_sql "$name" "SELECT count(*) FROM pg_prepared_xacts") || n=99
		total=$((total + n))
	done
	echo "$total"
}

# The cluster as pre-flight wants it, saved to go back to
fault_setup() {
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create "$@" || setup_failed "could not build the $FIXTURE_TIER fixture" || return
	CHECKSUM_BEFORE=$(checksum w2)
	[ -n "$CHECKSUM_BEFORE" ] || setup_failed "no rows to compare" || return
	pgc_destroy coord
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
	pgc_save || setup_failed "could not save the cluster" || return
}

# fault_cluster KIND: the cluster of fault_setup, shared by the scenarios
# of one KIND (each puts it back with pgc_restore when it is done)
fault_cluster() {
	[ "$PGC_KIND" = "$1" ] && return 0
	fault_setup || return
	PGC_KIND=$1
}

restore_cluster() {
	pgc_restore || setup_failed "could not restore the cluster" || return
}

# The shape of cluster the faults hit: plain (the fixture) or hard (see
# hard_setup)
FAULT_SHAPE=plain

recover_args() {
	local accept=
	[ "$FAULT_SHAPE" = hard ] && accept=--accept-lost-shards
	if [ "$METHOD" = promote ]; then
		echo recover $(at w2) --promote "$(addr w2)" --yes $accept
	else
		echo recover $(at w2) --new-coordinator "$(addr newc)" --yes $accept
	fi
}

coordinator_node() {
	[ "$METHOD" = promote ] && echo w2 || echo newc
}

# The events a whole recovery journals, one a line, in order
journal_events() {
	cut -f5 "$1"
}

# After a faulted run: the same command finishes, and the cluster is right.
# CHECKS=full also compares the rows and counts prepared transactions.
rerun_finishes() {
	local what=$1 workdir=$2
	run $(recover_args) --workdir "$workdir"
	if [ "$CODE" != 0 ]; then
		expect_code 0 "$what: the same command finishes"
		return
	fi
	if [ "$FAULT_SHAPE" = hard ]; then
		is "$(hard_state "$(coordinator_node)")" "$HARD_WANTED" \
			"$what: the same command finishes; surviving rows intact, lost shards usable, no leftover, nothing prepared"
		return
	fi
	is "$(checksum "$(coordinator_node)")/$(prepared_left)" "$CHECKSUM_BEFORE/0" \
		"$what: the same command finishes; rows unchanged, nothing left prepared"
}

# --- kill -9 and a failing journal write at every record ---------------------------

# fault_every_record ACTION [SHAPE]: for each record a whole recovery by
# METHOD writes, of the plain cluster or the hard one
fault_every_record() {
	local action=$1 clean events n k event workdir code_seen start=$SECONDS
	FAULT_SHAPE=${2:-plain}
	if [ "$FAULT_SHAPE" = hard ]; then
		# both methods start from the same saved cluster
		[ "$PGC_KIND" = hard-faults ] || { hard_setup || return; PGC_KIND=hard-faults; }
	else
		fault_cluster "faults-$METHOD" || return
	fi
	clean=$WORK/clean-$METHOD-$action
	run $(recover_args) --workdir "$clean"
	expect_code 0 "$METHOD: a whole recovery without faults"
	[ "$FAULT_SHAPE" = hard ] && is "$(hard_state "$(coordinator_node)")" "$HARD_WANTED" \
		"$METHOD: without faults, surviving rows intact, lost shards usable, no leftover, nothing prepared"
	events=$(journal_events "$clean/journal.log")
	n=$(printf '%s\n' "$events" | wc -l)
	diag "$METHOD: $n journal records in a whole recovery; $action at each"
	restore_cluster || return
	for k in $(seq 1 "$n"); do
		event=$(printf '%s\n' "$events" | sed -n "${k}p")
		workdir=$WORK/$action-$METHOD-$k
		OUT=$(CITUS_RESCUE_TEST_FAULT="$k:$action" rescue $(recover_args) --workdir "$workdir" 2>&1)
		CODE=$?
		case $action in
		kill)
			is "$CODE" 137 "$METHOD, kill -9 at record $k ($event): the run dies there" ;;
		fail | fsync)
			if [ "$event" = verify-check ] || [ "$event" = verified ]; then
				# the recovery is done and verified: only the record of its proof is lost, and said so
				is "$CODE/$(printf '%s' "$OUT" | grep -q "verify's results are not in the journal: could not write the journal" && echo said)" \
					"0/said" "$METHOD, journal $action at record $k ($event): the verified recovery stands and says what was not recorded"
				rerun_finishes "$METHOD, $action at record $k ($event)" "$workdir"
				restore_cluster || return
				continue
			fi
			code_seen=no
			[ "$CODE" = 10 ] || [ "$CODE" = 11 ] && code_seen=yes
			is "$code_seen/$(printf '%s' "$OUT" | grep -q 'could not write the journal' && echo said)" "yes/said" \
				"$METHOD, journal $action at record $k ($event): stops at once with exit 10 or 11 and says why"
			[ "$code_seen" = yes ] || printf '%s\n' "$OUT" | tail -20 | sed 's/^/#     /'
			;;
		esac
		rerun_finishes "$METHOD, $action at record $k ($event)" "$workdir"
		restore_cluster || return
	done
	diag "$METHOD, $FAULT_SHAPE cluster, $action at each of $n records: $((SECONDS - start)) s"
	FAULT_SHAPE=plain
}

# --- the harder shapes (real Citus) -------------------------------------------------
# Shards that lived only on the coordinator (hash ranges of app.accounts and
# app.orders, and the citus local table app.audit), a move of app.bulk cut
# off mid-copy, and pg_dist_authinfo rows on every worker: the faults then
# hit the steps that recreate lost shards, drop leftovers and copy the
# connection rows too.  app.bulk is smaller than the recovery scenarios'
# (the cluster is copied back after every fault), just big enough for the
# move to be caught in its copy.
hard_setup() {
	local name
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create --coordinator-shards --local-table || setup_failed "could not build the real fixture" || return
	pgc_sql coord "INSERT INTO app.audit SELECT g, 'before' FROM generate_series(1, 10) g" >/dev/null
	LOST=$(lost_shard_ids)
	TENANT=$(lost_tenant)
	[ -n "$LOST" ] && [ -n "$TENANT" ] || setup_failed "the coordinator holds no shard" || return
	# app.bulk's shards on the workers alone: the move starts from one
	pgc_sql coord "SELECT citus_set_node_property('127.0.0.1', $(pgc_port coord), 'shouldhaveshards', false)" >/dev/null &&
		BULK_ROWS=250000 bulk_table || setup_failed "could not fill app.bulk" || return
	HARD_ROWS=$(hard_rows coord)
	for name in w1 w2 w3; do
		pgc_sql "$name" "INSERT INTO pg_dist_authinfo SELECT nodeid, 'postgres', 'password=unused' FROM pg_dist_node WHERE nodeport = $(pgc_port w3)" >/dev/null ||
			setup_failed "could not add the authinfo rows" || return
	done
	move_cut_off app.bulk || setup_failed "the move made no replication slot" || return
	[ "$(all_leftovers)" != "w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0" ] ||
		setup_failed "the move ended before the coordinator died: nothing left behind" || return
	HARD_WANTED="$HARD_ROWS/lost shards usable/w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0/authinfo 1/prepared 0"
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
	pgc_save || setup_failed "could not save the cluster" || return
}

# The rows of the shards that survived, of the reference table and of app.bulk
hard_rows() {
	echo "$(surviving_rows "$1")/$(pgc_sql "$1" "SELECT count(*) FROM app.currencies")/$(bulk_checksum "$1")"
}

# What a finished recovery of the hard cluster must show, as one line
hard_state() {
	local node=$1 rows usable=no
	rows=$(hard_rows "$node" 2>&1)
	# the lost ranges and the citus local table answer again, empty, and take rows
	[ "$(pgc_sql "$node" "SELECT count(*) FROM app.audit" 2>&1)" = 0 ] &&
		pgc_sql "$node" "INSERT INTO app.audit VALUES (1, 'after'); INSERT INTO app.accounts (tenant_id, name) VALUES ($TENANT, 'after')" >/dev/null 2>&1 &&
		usable="lost shards usable"
	echo "$rows/$usable/$(all_leftovers)/authinfo $(pgc_sql "$node" "SELECT count(*) FROM pg_dist_authinfo")/prepared $(prepared_left)"
}

# --- signals ------------------------------------------------------------------------

# SIGTERM, SIGHUP and SIGPIPE after each step's last record and after each
# node prepared its part of the all-nodes step
signal_every_boundary() {
	local clean events n k event sig workdir
	fault_cluster "faults-$METHOD" || return
	clean=$WORK/clean-$METHOD-kill
	[ -f "$clean/journal.log" ] || { run $(recover_args) --workdir "$clean"; restore_cluster || return; }
	events=$(journal_events "$clean/journal.log")
	n=$(printf '%s\n' "$events" | wc -l)
	for k in $(seq 1 "$n"); do
		event=$(printf '%s\n' "$events" | sed -n "${k}p")
		case $event in done | prepared) ;; *) continue ;; esac
		for sig in TERM HUP PIPE; do
			workdir=$WORK/sig-$METHOD-$k-$sig
			OUT=$(CITUS_RESCUE_TEST_FAULT="$k:$sig" rescue $(recover_args) --workdir "$workdir" 2>&1)
			CODE=$?
			like "$CODE" "^1[01]$" "$METHOD, SIG$sig after record $k ($event): the run stops with exit 10 or 11"
			like "$OUT" "stopped on SIG$sig" "$METHOD, SIG$sig after record $k ($event): once the step under way ended, saying why"
			is "$(prepared_left)" 0 "$METHOD, SIG$sig after record $k: nothing left prepared"
			rerun_finishes "$METHOD, SIG$sig after record $k ($event)" "$workdir"
			restore_cluster || return
		done
	done
}

# --- a second signal ------------------------------------------------------------

second_signals() {
	local workdir pid
	fault_cluster "faults-$METHOD" || return
	SCENARIO="$METHOD, two SIGTERMs"
	if [ "$METHOD" = promote ]; then
		# inside the commits of the all-nodes step: they are finished all the same
		workdir=$WORK/twice-commit
		CITUS_RESCUE_TEST_PAUSE=decision:1:3000 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" $(recover_args) --workdir "$workdir" >"$WORK/twice.out" 2>&1 &
		pid=$!
		wait_for_file_match "$workdir/journal.log" "	decision	group 1: commit"
		ok $? "$SCENARIO: the all-nodes step decided to commit"
		kill -TERM $pid; sleep 0.2; kill -TERM $pid
		wait $pid
		CODE=$?
		OUT=$(cat "$WORK/twice.out")
		is "$CODE" 11 "$SCENARIO: during the commits: exit 11"
		like "$OUT" "committing on every node first" "$SCENARIO: the commits are finished first"
		is "$(prepared_left)" 0 "$SCENARIO: every prepared part was committed"
		rerun_finishes "$SCENARIO during the commits" "$workdir"
		restore_cluster || return
	fi
	# inside a one-node step that waits on a lock: the second signal rolls it back
	workdir=$WORK/twice-step
	pgc_psql w2 -c "BEGIN" -c "LOCK TABLE pg_catalog.pg_dist_local_group IN EXCLUSIVE MODE" -c "SELECT pg_sleep(8)" -c "COMMIT" >/dev/null 2>&1 &
	sleep 0.5
	${CITUS_RESCUE_WRAPPER:-} "$RESCUE" $(recover_args) --workdir "$workdir" >"$WORK/twice.out" 2>&1 &
	pid=$!
	wait_for_file_match "$workdir/journal.log" "	1	[^	]*	statement	[^B]"
	ok $? "$SCENARIO: step 1 waits on a lock"
	kill -TERM $pid; sleep 0.3; kill -TERM $pid
	wait $pid
	CODE=$?
	OUT=$(cat "$WORK/twice.out")
	is "$CODE" 10 "$SCENARIO: the second one rolls the step under way back; nothing was changed"
	like "$OUT" "stopped on SIGTERM in step 1, which was rolled back" "$SCENARIO: and says so"
	like "$OUT" "57014" "$SCENARIO: the statement was cancelled on its server"
	wait
	rerun_finishes "$SCENARIO in a step" "$workdir"
	restore_cluster
}

# --- gates refused, then the same command again ---------------------------------------

# refused_twice DESCRIPTION COMMAND...: refused, and refused again, nothing changed
refused_twice() {
	local what=$1; shift
	local before after
	before=$(rescue discover $(at w2) --json 2>/dev/null | jq -c '[.nodes[] | select(.reachable) | .catalogs]')
	run "$@"
	expect_code 10 "$what: refused"
	FIRST_OUT=$OUT
	run "$@"
	expect_code 10 "$what: the same command is refused again"
	after=$(rescue discover $(at w2) --json 2>/dev/null | jq -c '[.nodes[] | select(.reachable) | .catalogs]')
	is "$after/$(prepared_left)" "$before/0" "$what: nothing was changed"
}

gate_old_coordinator() {
	local plan workdir pid
	METHOD=new-node
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create || setup_failed "could not build the $FIXTURE_TIER fixture" || return
	CHECKSUM_BEFORE=$(checksum w2)
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work; mkdir -p "$WORK"
	plan=$WORK/gate-plan.sql
	pgc_stop coord
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$plan"
	expect_code 0 "$SCENARIO: planned while it was down"
	like "$(cat "$plan")" "^-- old-coordinator: 127.0.0.1:$(pgc_port coord)" "$SCENARIO: the plan keeps its address"
	pgc_restart coord
	workdir=$WORK/gate-alive
	refused_twice "$SCENARIO" apply "$plan" --workdir "$workdir" --yes
	like "$FIRST_OUT" "old coordinator at 127.0.0.1:$(pgc_port coord) answers again" "$SCENARIO: and says why"
	ok "$([ ! -e "$workdir/backup" ] && ! grep -q '	stepping	' "$workdir/journal.log"; echo $?)" \
		"$SCENARIO: no backup taken, the run never became resumable"
	# it comes back while the operator confirms: the last look before the first statement sees it
	pgc_stop coord
	workdir=$WORK/gate-late
	CITUS_RESCUE_TEST_PAUSE=backed-up:0:4000 ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$plan" --workdir "$workdir" --yes >"$WORK/late.out" 2>&1 &
	pid=$!
	wait_for_file_match "$workdir/journal.log" "	backed-up	"
	pgc_restart coord
	wait $pid
	CODE=$?
	OUT=$(cat "$WORK/late.out")
	expect_code 10 "$SCENARIO: back during the run, it is seen right before the first statement"
	like "$OUT" "answers again" "$SCENARIO: and named"
	pgc_stop coord
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 0 "$SCENARIO: gone for good, the same command runs the plan"
	like "$(cut -f5,6 "$workdir/journal.log" | tr '\t\n' '  ')" \
		"backed-up .* refused the old coordinator at .* answers again.* new fresh .* backed-up .* gate old-coordinator-gone: right before the first statement: .* stepping " \
		"$SCENARIO: each run asked again right before its first statement"
	pgc_destroy coord
}

# The cluster and the plan the other refused gates share
gate_cluster() {
	METHOD=new-node
	fault_cluster gates || return
	GATE_PLAN=$WORK/gate-plan.sql
	[ -f "$GATE_PLAN" ] && return 0
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$GATE_PLAN"
	[ "$CODE" = 0 ] || setup_failed "plan exited $CODE" || return
}

gate_stale_plan() {
	local moved
	gate_cluster || return
	moved=$(pgc_sql w3 "SELECT shardid FROM pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w3 "UPDATE pg_dist_placement SET groupid = 2 WHERE shardid = $moved" >/dev/null
	refused_twice "$SCENARIO" apply "$GATE_PLAN" --workdir "$WORK/gate-stale" --yes
	like "$FIRST_OUT" "stale" "$SCENARIO: and says why"
	pgc_sql w3 "UPDATE pg_dist_placement SET groupid = 1 WHERE shardid = $moved" >/dev/null
}

gate_not_confirmed() {
	gate_cluster || return
	refused_twice "$SCENARIO" apply "$GATE_PLAN" --workdir "$WORK/gate-no" </dev/null
	like "$FIRST_OUT" "not confirmed" "$SCENARIO: and says why"
	ok "$([ ! -e "$WORK/gate-no/backup" ]; echo $?)" "$SCENARIO: no backup before the typed yes"
}

gate_backup_fails() {
	gate_cluster || return
	CITUS_RESCUE_TEST_FAULT=backup:fail refused_twice "$SCENARIO" apply "$GATE_PLAN" --workdir "$WORK/gate-backup" --yes
	like "$FIRST_OUT" "metadata backup failed" "$SCENARIO: and says why"
	ok "$([ ! -e "$WORK/gate-backup/backup" ]; echo $?)" "$SCENARIO: no half backup is left as backup/"
}

gate_first_node_unreachable() {
	gate_cluster || return
	pgc_stop w2
	run apply "$GATE_PLAN" --workdir "$WORK/gate-down" --yes
	expect_code 10 "$SCENARIO: refused"
	run apply "$GATE_PLAN" --workdir "$WORK/gate-down" --yes
	expect_code 10 "$SCENARIO: the same command is refused again"
	pgc_restart w2
}

gate_after_every_refusal() {
	gate_cluster || return
	if [ ! -f "$WORK/gate-no/journal.log" ]; then
		# the two refusals of "not confirmed", when it did not run
		rescue apply "$GATE_PLAN" --workdir "$WORK/gate-no" </dev/null >/dev/null 2>&1
		rescue apply "$GATE_PLAN" --workdir "$WORK/gate-no" </dev/null >/dev/null 2>&1
	fi
	run apply "$GATE_PLAN" --workdir "$WORK/gate-no" --yes
	expect_code 0 "$SCENARIO: the cause gone, the same work directory runs a fresh run with every gate"
	like "$(cut -f5,6 "$WORK/gate-no/journal.log" | tr '\t\n' '  ')" "new fresh.*refused.*new fresh.*refused.*new fresh.*backed-up.*stepping.*finished" \
		"$SCENARIO: its journal shows two refused attempts, then a whole run"
	is "$(checksum newc)/$(prepared_left)" "$CHECKSUM_BEFORE/0" "$SCENARIO: rows unchanged, nothing prepared"
}

gates_refused() {
	scenario "old coordinator answers again" gate_old_coordinator
	scenario "stale plan" gate_stale_plan
	scenario "not confirmed" gate_not_confirmed
	scenario "backup fails" gate_backup_fails
	scenario "first node unreachable" gate_first_node_unreachable
	scenario "after every refusal" gate_after_every_refusal
}

# --- the journal and the work directory ---------------------------------------------------

# The cluster and the plan the work directory, prompt and disk scenarios share
workdir_cluster() {
	METHOD=new-node
	fault_cluster workdir || return
	WD_PLAN=$WORK/wd-plan.sql
	[ -f "$WD_PLAN" ] && return 0
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WD_PLAN"
	[ "$CODE" = 0 ] || setup_failed "plan exited $CODE" || return
}

wd_torn_journal_tail() {
	local plan workdir
	workdir_cluster || return
	plan=$WD_PLAN
	workdir=$WORK/torn
	OUT=$(CITUS_RESCUE_TEST_FAULT=12:kill rescue apply "$plan" --workdir "$workdir" --yes 2>&1)
	printf '0badc0de\t2026-11-29T00:00:00.000Z\t3\t127.0.0.1:1\tdec' >>"$workdir/journal.log"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 0 "$SCENARIO: the run resumes and finishes"
	like "$OUT" "line [0-9]+ .*torn or corrupt and was cut off" "$SCENARIO: the torn record is reported"
	is "$(grep -c 'dec$' "$workdir/journal.log")" 0 "$SCENARIO: and cut off, never appended to"
	like "$(cut -f5 "$workdir/journal.log" | tr '\n' ' ')" "journal-repaired new operator( found)* gate" "$SCENARIO: the repair is journaled, before the rerun's own records"
	ok "$(awk -F'\t' '{ print NF }' "$workdir/journal.log" | sort -u | grep -qvx 6; echo $((! $?)))" \
		"$SCENARIO: every line is one whole record"
	restore_cluster
}

wd_failing_fsync() {
	local plan workdir
	workdir_cluster || return
	plan=$WD_PLAN
	workdir=$WORK/fsync
	# the stepping record makes a fresh run resumable
	OUT=$(CITUS_RESCUE_TEST_FAULT=stepping:fsync rescue apply "$plan" --workdir "$workdir" --yes 2>&1)
	CODE=$?
	is "$(grep -v '	refused	\|	stopped	' "$workdir/journal.log" | tail -1 | cut -f5)" stepping "$SCENARIO: at the record that makes the run resumable"
	expect_code 10 "$SCENARIO: it cannot be synced: stopped before any statement"
	like "$OUT" "could not write the journal .*Input/output error" "$SCENARIO: and says why"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 0 "$SCENARIO: the same command finishes"
	restore_cluster
}

wd_corrupt_journal_line() {
	local plan workdir line
	workdir_cluster || return
	plan=$WD_PLAN
	workdir=$WORK/corrupt
	OUT=$(CITUS_RESCUE_TEST_FAULT=12:kill rescue apply "$plan" --workdir "$workdir" --yes 2>&1)
	line=$(grep -n '	gate	' "$workdir/journal.log" | head -1 | cut -d: -f1)
	ok $([ -n "$line" ] && [ "$line" -lt "$(wc -l <"$workdir/journal.log")" ]; echo $?) \
		"$SCENARIO: a gate's record before the journal's end to damage"
	sed -i "${line:-1}s/	gate	/	gatf	/" "$workdir/journal.log"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 10 "$SCENARIO: a damaged record before the end is refused"
	like "$OUT" "damaged at line $line" "$SCENARIO: and named"
	restore_cluster
}

wd_planted_symlinks() {
	local plan workdir
	workdir_cluster || return
	plan=$WD_PLAN
	workdir=$WORK/planted
	mkdir -m 700 "$workdir"
	echo "not a journal" >"$WORK/victim"
	ln -s "$WORK/victim" "$workdir/journal.log"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 10 "$SCENARIO: a journal.log that is a symbolic link is refused"
	like "$OUT" "symbolic link" "$SCENARIO: and says so"
	is "$(cat "$WORK/victim")" "not a journal" "$SCENARIO: the file it points at is untouched"
	rm "$workdir/journal.log"
	ln -s "$WORK/victim" "$workdir/plan.sql"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 10 "$SCENARIO: a plan.sql that is a symbolic link is refused"
	is "$(cat "$WORK/victim")" "not a journal" "$SCENARIO: its target is untouched"
	rm -f "$workdir/plan.sql" "$workdir/journal.log"
	ln -s "$WORK/victim" "$workdir/restore.sh"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 0 "$SCENARIO: a planted restore.sh is replaced, not written through"
	is "$(cat "$WORK/victim")" "not a journal" "$SCENARIO: its target is untouched"
	ok "$([ -f "$workdir/restore.sh" ] && [ ! -L "$workdir/restore.sh" ]; echo $?)" "$SCENARIO: restore.sh is a file of its own"
	restore_cluster || return
	# a link to a work directory of an earlier run (that of "torn journal tail")
	[ -d "$WORK/torn" ] || mkdir -m 700 "$WORK/torn"
	ln -s "$WORK/torn" "$WORK/linkdir"
	run apply "$plan" --workdir "$WORK/linkdir" --yes
	expect_code 10 "$SCENARIO: a work directory that is a symbolic link is refused"
}

wd_unsafe_work_directory() {
	local plan
	workdir_cluster || return
	plan=$WD_PLAN
	mkdir -m 777 "$WORK/open"
	run apply "$plan" --workdir "$WORK/open" --yes
	expect_code 10 "$SCENARIO: a world-writable work directory is refused"
	like "$OUT" "can be written by others \(mode 0777\)" "$SCENARIO: and says why"
	if [ "$(id -u)" = 0 ]; then
		mkdir -m 700 "$WORK/foreign"
		chown nobody "$WORK/foreign"
		run apply "$plan" --workdir "$WORK/foreign" --yes
		expect_code 10 "$SCENARIO: a work directory of another user is refused"
		like "$OUT" "belongs to user id" "$SCENARIO: and says whose it is"
	fi
	ok "$([ ! -e "$WORK/open/journal.log" ] && [ ! -e "$WORK/foreign/journal.log" ]; echo $?)" \
		"$SCENARIO: nothing is written into them"
}

wd_default_work_directory() {
	local plan
	workdir_cluster || return
	plan=$WD_PLAN
	OUT=$(cd "$WORK" && CITUS_RESCUE_TEST_FAULT=3:fail rescue apply "$plan" --yes 2>&1)
	like "$OUT" "$WORK/citus-rescue-[0-9]{8}-[0-9]{6}-[A-Za-z0-9]{6}/journal.log" \
		"$SCENARIO: named with a random part, shown as an absolute path"
	is "$(stat -c %a "$WORK"/citus-rescue-*-* | sort -u)" 700 "$SCENARIO: private"
}

wd_recover_resumes_saved_plan() {
	local workdir
	workdir_cluster || return
	workdir=$WORK/rec-saved
	OUT=$(CITUS_RESCUE_TEST_FAULT=20:kill rescue $(recover_args) --workdir "$workdir" 2>&1)
	cp "$workdir/plan.sql" "$WORK/saved-plan.sql"
	run recover $(at w2) --promote "$(addr w2)" --yes --workdir "$workdir"
	expect_code 11 "$SCENARIO: other choices than the run under way are refused"
	like "$OUT" "holds a recovery under way by new-node" "$SCENARIO: naming the run under way"
	run $(recover_args) --workdir "$workdir"
	expect_code 0 "$SCENARIO: the same command resumes and finishes"
	like "$OUT" "resuming its saved plan \(not planning again\)" "$SCENARIO: without planning again"
	like "$OUT" "Gates re-checked:" "$SCENARIO: saying which gates it re-checked"
	cmp -s "$workdir/plan.sql" "$WORK/saved-plan.sql"
	ok $? "$SCENARIO: the saved plan is the one that ran"
	restore_cluster
}

wd_recover_killed_early() {
	local workdir
	workdir_cluster || return
	workdir=$WORK/rec-early
	OUT=$(CITUS_RESCUE_TEST_FAULT=2:kill rescue $(recover_args) --workdir "$workdir" 2>&1)
	run $(recover_args) --workdir "$workdir"
	expect_code 0 "$SCENARIO: the same command plans again and finishes"
	like "$OUT" "Replacing the plan in .*the attempt that saved it changed nothing" "$SCENARIO: saying it replaced the plan"
	restore_cluster
}

wd_apply_head() {
	local plan workdir
	workdir_cluster || return
	plan=$WD_PLAN
	workdir=$WORK/pipe
	rescue apply "$plan" --workdir "$workdir" --yes 2>"$WORK/pipe.err" | head -1 >/dev/null
	CODE=${PIPESTATUS[0]}
	OUT=$(cat "$WORK/pipe.err")
	like "$CODE" "^(0|1[01])$" "$SCENARIO: the reader going away stops the run between steps, or it finishes"
	is "$(prepared_left)" 0 "$SCENARIO: nothing left prepared"
	run apply "$plan" --workdir "$workdir" --yes
	expect_code 0 "$SCENARIO: the same command finishes"
	restore_cluster
}

journal_and_workdir() {
	scenario "torn journal tail" wd_torn_journal_tail
	scenario "failing fsync" wd_failing_fsync
	scenario "corrupt journal line" wd_corrupt_journal_line
	scenario "planted symlinks" wd_planted_symlinks
	scenario "unsafe work directory" wd_unsafe_work_directory
	scenario "default work directory" wd_default_work_directory
	scenario "recover resumes its saved plan" wd_recover_resumes_saved_plan
	scenario "recover killed before any change" wd_recover_killed_early
	scenario "apply | head" wd_apply_head
}

# --- prompts -----------------------------------------------------------------------------

prompt_ctrl_c_at_yes() {
	local plan
	workdir_cluster || return
	plan=$WD_PLAN
	tmux_start 120 30 "$RESCUE apply '$plan' --workdir '$WORK/prompt-yes'"
	tmux_wait_for "Type yes to go on" 60
	ok $? "$SCENARIO: asked"
	tmux_cmd send-keys -t t C-c
	is "$(tmux_wait_exit 30)" 10 "$SCENARIO: gives up at once, nothing changed"
	tmux_stop
	like "$(cut -f5,6 "$WORK/prompt-yes/journal.log" | tr '\t\n' '  ')" "refused stopped on SIGINT at the confirmation" \
		"$SCENARIO: journaled"
}

prompt_ctrl_c_at_password() {
	workdir_cluster || return
	tmux_start 120 30 "trap : INT; $RESCUE discover $(at w2) -W; s=\$?; stty -a > '$PGC_ROOT/stty.txt'; (exit \$s)"
	tmux_wait_for "Password" 30
	ok $? "$SCENARIO: asked"
	tmux_cmd send-keys -t t C-c
	is "$(tmux_wait_exit 30)" 130 "$SCENARIO: the tool ends as Ctrl-C asks"
	tmux_stop
	like "$(cat "$PGC_ROOT/stty.txt")" "(^| )echo( |$)" "$SCENARIO: the terminal echoes again"
}

prompts() {
	command -v tmux >/dev/null || { diag "tmux missing: prompt tests skipped"; return; }
	scenario "Ctrl-C at the typed yes" prompt_ctrl_c_at_yes
	scenario "Ctrl-C at the password prompt" prompt_ctrl_c_at_password
}

# --- a disk that really fills up ------------------------------------------------------------

full_disk() {
	local plan mnt used free_kb
	workdir_cluster || return
	plan=$WD_PLAN
	mnt=$PGC_ROOT/tmpfs
	if [ "$(id -u)" != 0 ] || ! mkdir -p "$mnt" || ! mount -t tmpfs -o size=8m,mode=700 none "$mnt" 2>/dev/null; then
		diag "$SCENARIO: skipped, no tmpfs can be mounted here (needs root)"
		return
	fi
	run apply "$plan" --workdir "$mnt/measure" --yes
	used=$(du -sk "$mnt/measure" | cut -f1)
	rm -rf "$mnt/measure"
	restore_cluster || return
	# room for the plan and the backup, not for the whole journal
	free_kb=$(( used - 8 ))
	dd if=/dev/zero of="$mnt/filler" bs=1k count=$(( $(df -k --output=avail "$mnt" | tail -1) - free_kb )) 2>/dev/null
	run apply "$plan" --workdir "$mnt/run" --yes
	like "$CODE" "^1[01]$" "$SCENARIO: the run stops at the first write that fails"
	like "$OUT" "No space left on device" "$SCENARIO: and says why"
	unlike "$OUT" "All [0-9]+ steps done" "$SCENARIO: never claims to be done"
	is "$(prepared_left)" 0 "$SCENARIO: nothing left prepared"
	rm -f "$mnt/filler"
	run apply "$plan" --workdir "$mnt/run" --yes
	expect_code 0 "$SCENARIO: with room again, the same command finishes"
	is "$(checksum newc)" "$CHECKSUM_BEFORE" "$SCENARIO: rows unchanged"
	umount "$mnt"
	restore_cluster
}

# CITUS_RESCUE_FAULTS narrows the run to some parts (kill fail fsync signals
# second gates workdir prompts disk hard), for working on one of them;
# SCENARIO_FILTER picks scenarios by name within them
fault_part() {
	[ -z "${CITUS_RESCUE_FAULTS:-}" ] && return 0
	case " $CITUS_RESCUE_FAULTS " in *" $1 "*) return 0 ;; esac
	return 1
}

# fault_suite METHOD: every fault for one method's recoveries, and half of
# the scenarios both share (new-node: refused gates and the work
# directory; promote: prompts and a full disk), so that a file per method
# runs in parallel with the other
fault_suite() {
	local start=$SECONDS
	METHOD=$1
	fault_part kill && scenario "$METHOD, kill -9 at every record" fault_every_record kill
	fault_part fail && scenario "$METHOD, journal write failing at every record" fault_every_record fail
	# a failing fsync takes the same path as a failing write: at every record only on request
	[ -n "${CITUS_RESCUE_FAULTS:-}" ] && fault_part fsync &&
		scenario "$METHOD, journal fsync failing at every record" fault_every_record fsync
	fault_part signals && scenario "$METHOD, signals at every step boundary" signal_every_boundary
	fault_part second && scenario "$METHOD, two SIGTERMs" second_signals
	if [ "$1" = new-node ]; then
		fault_part gates && gates_refused
		fault_part workdir && journal_and_workdir
	else
		fault_part prompts && prompts
		fault_part disk && scenario "full tmpfs" full_disk
	fi
	# real Citus alone makes these shapes; they take too long for every push
	if [ "$FIXTURE_TIER" = real ]; then
		METHOD=$1
		fault_part hard && scenario "$METHOD, hard shapes, kill -9 at every record" fault_every_record kill hard
		fault_part hard && scenario "$METHOD, hard shapes, journal write failing at every record" fault_every_record fail hard
	fi
	diag "fault suite for $1 on the $FIXTURE_TIER tier: $((SECONDS - start)) s"
	pgc_cleanup
}
