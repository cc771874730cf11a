# The incident record: run.log and the report of a work directory, on the
# stand-in and on real Citus alike.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"

# A cluster whose coordinator is gone, an empty node to take its place and
# a work directory's parent
setup() {
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create "$@" || setup_failed "could not build the $FIXTURE_TIER fixture" || return
	pgc_destroy coord
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
}

run() {
	OUT=$(rescue "$@" 2>&1)
	CODE=$?
}

# report WORKDIR: the report on stdout into REPORT, its exit status into CODE
report() {
	REPORT=$(rescue report "$1" 2>"$WORK/report.err")
	CODE=$?
}

# step_section N: the lines of the report's step N, up to the next heading
step_section() {
	awk -v head="### Step $1: " 'index($0, head) == 1 { on = 1; next } on && /^##/ { exit } on' <<<"$REPORT"
}

# code_after HEADING: the first code block after the line HEADING starts
code_after() {
	awk -v head="$1" 'index($0, head) == 1 { on = 1 } on && /^```/ { if (inside) exit; inside = 1; next } inside' <<<"$REPORT"
}

STAMP_UTC='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}'

sc_recover_and_report() {
	local log
	setup || return
	OUT=$(PGPASSWORD=sekret rescue recover -d "host=127.0.0.1 port=$(pgc_port w1) user=postgres password=sekret" \
		--new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes 2>&1)
	CODE=$?
	expect_code 0 "$SCENARIO: recover finishes"
	log=$(cat "$WORK/run/run.log" 2>/dev/null)
	is "$(stat -c %a "$WORK/run/run.log" 2>/dev/null)" 600 "$SCENARIO: run.log is private"
	like "$(head -1 <<<"$log")" "^$STAMP run === citus-rescue .*, operator login=[^ ]+ uid=[0-9]+ tty=[^ ]+ host=[^ ]+, command: citus-rescue recover -d 'host=127\.0\.0\.1 port=[0-9]+ user=postgres password=\*\*\*\*\*\*\*\*' --new-coordinator" \
		"$SCENARIO: the header names the operator and the command, its password hidden"
	is "$(grep -Evc "^$STAMP (run|out|err|in|event) " <<<"$log")" 0 "$SCENARIO: every line of run.log is stamped"
	like "$log" "$STAMP out +\| SELECT pg_catalog\.citus_add_node" "$SCENARIO: the plan printed before the work directory existed is in it"
	like "$log" "$STAMP out .*The coordinator works" "$SCENARIO: and verify's last words"
	is "$(grep -Ec ' (out|err) ' <<<"$log")" "$(grep -c '' <<<"$OUT")" "$SCENARIO: every line the run printed is in it"
	unlike "$log$(cat "$WORK/run/journal.log")" "sekret" "$SCENARIO: no password in run.log or the journal"
	like "$(cat "$WORK/run/journal.log")" "	operator	login=" "$SCENARIO: the journal names the operator"
	like "$(cat "$WORK/run/journal.log")" "	typed	new-node .*confirmed \(--yes given\) by login=" "$SCENARIO: and who confirmed"

	report "$WORK/run"
	expect_code 0 "$SCENARIO: report"
	for section in "Summary" "What was found" "Choices and who made them" "Steps" "Prepared transactions" \
		"Verify" "How to undo" "Runs and gates" "Output of the runs"; do
		like "$REPORT" "^## $section\$" "$SCENARIO: the report has its section $section"
	done
	like "$REPORT" "Outcome: finished: every step done" "$SCENARIO: the outcome"
	like "$REPORT" "Operator: login=" "$SCENARIO: the operator"
	like "$REPORT" "^- $STAMP run === citus-rescue .*command: citus-rescue recover -d 'host=127\.0\.0\.1 port=[0-9]+ user=postgres password="'(\\\*){8}'"' --new-coordinator" \
		"$SCENARIO: each run's command line, its password hidden"
	like "$REPORT" "\| $(addr w2) \| answered; PostgreSQL 15[^|]*; Citus [0-9]" "$SCENARIO: the nodes found, with their versions"
	is "$(step_section 1 | grep -E '^- (Node|Outcome|Started|Duration): ' | sed -E 's/[0-9]+/N/g')" \
		"- Node: N.N.N.N:N
- Outcome: done
- Started: N-N-NTN:N:N.NZ
- Duration: N ms" "$SCENARIO: each step with its node, outcome, start and duration"
	like "$(code_after "### Step $(grep -c '^### Step ' <<<"$REPORT"): ")" "." "$SCENARIO: the last step has its SQL in a code block"
	like "$(for i in $(seq 1 9); do code_after "### Step $i: "; done)" "citus_add_node" "$SCENARIO: the step adding the new node shows its SQL"
	like "$REPORT" "verify-check|pass " "$SCENARIO: verify's checks"
	like "$REPORT" "every check passed \([0-9]+ checks\)" "$SCENARIO: verify's outcome"
	like "$REPORT" "Script: $WORK/run/restore\.sh" "$SCENARIO: how to undo"
	like "$REPORT" "[0-9a-f]{8} [0-9]+ restore\.sh" "$SCENARIO: the backup's manifest"
	like "$REPORT" "Backup checked: [0-9]+ files of backup/MANIFEST present with their checksums" "$SCENARIO: the backup read back"
	unlike "$REPORT" "sekret" "$SCENARIO: no password in the report"
	rescue report "$WORK/run" -o "$WORK/report.md" 2>/dev/null
	is "$(sed '/^Report written/d' "$WORK/report.md")" "$(sed '/^Report written/d' <<<"$REPORT")" "$SCENARIO: -o writes the same report"
}
scenario "recover, run.log and the report" sc_recover_and_report

sc_refused_and_stopped() {
	local moved
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan"
	cp "$WORK/plan.sql" "$WORK/stale.sql"
	moved=$(pgc_sql w3 "SELECT shardid FROM pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w3 "UPDATE pg_dist_placement SET groupid = 2 WHERE shardid = $moved" >/dev/null
	run apply "$WORK/stale.sql" --workdir "$WORK/refused" --yes
	expect_code 10 "$SCENARIO: a stale plan is refused"
	like "$(cat "$WORK/refused/run.log")" "$STAMP err .*stale" "$SCENARIO: the refusal is in run.log"
	mkdir -m 700 "$WORK/nolog" "$WORK/nolog/run.log"
	run apply "$WORK/stale.sql" --workdir "$WORK/nolog" --yes
	expect_code 10 "$SCENARIO: a run.log that cannot be written changes nothing of the run"
	is "$(grep -c 'warning: could not write .*run\.log' <<<"$OUT")" 1 "$SCENARIO: it is said once"
	like "$OUT" "stale" "$SCENARIO: and the run says what it says without it"
	report "$WORK/refused"
	expect_code 0 "$SCENARIO: a refused run still reports"
	like "$REPORT" "Outcome: refused" "$SCENARIO: as refused"
	is "$(step_section 1 | grep '^- Outcome: ')" "- Outcome: not run" "$SCENARIO: its steps not run"
	like "$REPORT" "There is no restore\.sh" "$SCENARIO: and nothing to undo"
	pgc_sql w3 "UPDATE pg_dist_placement SET groupid = 1 WHERE shardid = $moved" >/dev/null

	CITUS_RESCUE_TEST_FAULT=done:kill rescue apply "$WORK/plan.sql" --workdir "$WORK/run" --yes >/dev/null 2>&1
	report "$WORK/run"
	expect_code 0 "$SCENARIO: a killed run reports"
	like "$REPORT" "Outcome: unknown: the last run left no record of how it ended" "$SCENARIO: without pretending it ended"
	is "$(step_section 1 | grep '^- Outcome: ')" "- Outcome: done" "$SCENARIO: step 1 done"
	is "$(step_section 2 | grep '^- Outcome: ')" "- Outcome: not run" "$SCENARIO: step 2 not run"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: the rerun resumes"
	is "$(grep -c ' run === ' "$WORK/run/run.log")" 2 "$SCENARIO: run.log has a header for each run"
	report "$WORK/run"
	like "$REPORT" "Outcome: finished" "$SCENARIO: then the report says finished"
	like "$REPORT" "resume of run" "$SCENARIO: and shows the resumed run"
	like "$REPORT" "Verify: no result recorded" "$SCENARIO: apply alone verifies nothing"
	run verify $(at newc) --workdir "$WORK/run"
	expect_code 0 "$SCENARIO: verify --workdir"
	report "$WORK/run"
	like "$REPORT" "Verify: every check passed \([0-9]+ checks\)" "$SCENARIO: records its checks for the report"
	like "$REPORT" "\| 3 \| - \| pass same metadata on every node: " "$SCENARIO: each of them, numbered"
	run verify $(at newc) --workdir "$WORK/nowhere"
	expect_code 2 "$SCENARIO: verify --workdir wants a directory that exists"
	DAMAGED=$WORK/run
}
scenario "refused, killed and resumed runs" sc_refused_and_stopped


# Copies of a finished work directory, each damaged another way
sc_damaged() {
	local d
	[ -n "${DAMAGED:-}" ] && [ -d "$DAMAGED" ] || { setup_failed "no work directory from the scenario before"; return; }
	d=$WORK/torn; cp -a "$DAMAGED" "$d"
	printf 'deadbeef\t2026-01-01T00:00:00.000Z\t3\tx\tdone' >>"$d/journal.log"
	report "$d"
	expect_code 0 "$SCENARIO: a torn journal still reports"
	like "$REPORT" "torn or corrupt" "$SCENARIO: and says what was cut"
	like "$REPORT" "Outcome: finished" "$SCENARIO: from the records before it"
	cmp -s "$d/journal.log" "$DAMAGED/journal.log" && ok 1 "$SCENARIO: report changes nothing" || ok 0 "$SCENARIO: report changes nothing"

	d=$WORK/garbage; cp -a "$DAMAGED" "$d"
	head -c 3000 /dev/urandom >"$d/plan.sql"
	sed -i '5s/^......../00000000/' "$d/journal.log"
	report "$d"
	expect_code 0 "$SCENARIO: a garbage plan and a damaged journal line still report"
	like "$REPORT" "plan\.sql cannot be read as a plan" "$SCENARIO: the plan is said unreadable"
	like "$REPORT" "damaged at line 5" "$SCENARIO: the damaged journal line is named"

	d=$WORK/empty; mkdir -m 700 "$d"; printf 'garbage\n' >"$d/journal.log"; chmod 600 "$d/journal.log"
	report "$d"
	expect_code 12 "$SCENARIO: nothing usable: exit 12"
	like "$REPORT" "## Missing or damaged" "$SCENARIO: the report still says what is missing"
	report "$WORK/none"
	expect_code 12 "$SCENARIO: no such directory: exit 12"
	ok $([ ! -e "$WORK/none" ] && echo 0 || echo 1) "$SCENARIO: and none is made"
	d=$WORK/linked; mkdir -m 700 "$d"; ln -s "$DAMAGED/journal.log" "$d/journal.log"
	report "$d"
	expect_code 12 "$SCENARIO: a journal that is a symbolic link is not followed"
}
scenario "damaged work directories" sc_damaged

sc_prepared_decisions() {
	setup || return
	pgc_sql w1 "CREATE TABLE IF NOT EXISTS public.orphan_probe (x int)" >/dev/null
	pgc_psql w1 -c "BEGIN" -c "INSERT INTO public.orphan_probe VALUES (1)" -c "PREPARE TRANSACTION 'citus_0_4242_7_1'" >/dev/null
	run plan $(at w2) --new-coordinator "$(addr newc)" --prepared citus_0_4242_7_1=commit -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan with a decision"
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: apply"
	report "$WORK/run"
	like "$(sed -n '/^## Prepared transactions/,/^## Verify/p' <<<"$REPORT")" \
		"^\| $STAMP_UTC \| $(addr w1) \| step [0-9]+: COMMIT PREPARED 'citus\\\\_0\\\\_4242\\\\_7\\\\_1'; confirmed \(--yes given\) by login=[^ ]+ uid=" \
		"$SCENARIO: the report gives the decision, where, when and who confirmed it"
}
scenario "prepared decisions" sc_prepared_decisions
