# Machine-readable output (plan --json, verify --json, apply and recover
# --progress=json) and colour, on the stand-in and on real Citus alike.
# Every output is parsed with jq.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/recovery-helpers.sh"

# json_run ARGS...: the tool with stdout in OUT and stderr in ERR apart
json_run() {
	local errfile=$PGC_ROOT/stderr
	OUT=$(rescue "$@" 2>"$errfile")
	CODE=$?
	ERR=$(cat "$errfile")
}

# jq_is FILTER WANT DESCRIPTION [-s]: FILTER applied to OUT (its lines
# slurped into an array with -s) gives WANT
jq_is() {
	is "$(printf '%s\n' "$OUT" | jq ${4:-} -r "$1" 2>&1)" "$2" "$SCENARIO: $3"
}

# Every line of OUT is a JSON object of format 1; the last is "finished"
# with the process's exit code
stream_checks() {
	local bad
	bad=$(printf '%s\n' "$OUT" | while IFS= read -r line; do
		printf '%s\n' "$line" | jq -e 'type == "object" and .format == 1 and (.event | type) == "string"' >/dev/null 2>&1 ||
			printf 'not an event: %s\n' "$line"
	done)
	is "$bad" "" "$SCENARIO: every line on stdout is a JSON event object of format 1"
	is "$(printf '%s\n' "$OUT" | tail -n 1 | jq -r '"\(.event) \(.exit_code) \(.exit_code | type)"')" "finished $CODE number" \
		"$SCENARIO: the last line is finished, with the exit code the process returned"
	is "$(printf '%s\n' "$OUT" | jq -s '[.[] | select(.event == "finished")] | length')" 1 "$SCENARIO: finished comes once"
}

sc_json_plan_apply_verify() {
	setup || return
	json_run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql" --json
	expect_code 0 "$SCENARIO: plan --json passes pre-flight"
	jq_is '"\(.format) \(.exit_code) \(.outcome) \(.plan_file)"' "1 0 planned $WORK/plan.sql" "the document has its format, exit code and plan file"
	ok $([ -s "$WORK/plan.sql" ] && echo 0 || echo 1) "$SCENARIO: the plan file is written too"
	jq_is '[.plan.checks[] | (.status | test("^(pass|warn|fail)$")) and (.name | type) == "string" and (.why | type) == "string"] | all' true \
		"every check has a name, a status pass, warn or fail, and why"
	jq_is '.plan | "\(.method) \(.cim) \(.target) \(.donor)"' "new-node include $(addr newc) $(addr w2)" "method, CIM, target and donor"
	jq_is '[.plan.steps[] | (.number | type) == "number" and (.node | type) == "string" and (.changes | type) == "string"
	        and (.confirms | type) == "string" and (.locks | type) == "string" and (.statements | length) > 0
	        and (.all_nodes_group == null or (.all_nodes_group | type) == "number")] | all' true \
		"every step has its number, node, changes, confirmation, locks and statements"
	jq_is '[.plan.steps[].number] == [range(1; (.plan.steps | length) + 1)]' true "the steps are numbered from 1 in order"
	jq_is '[.plan.steps[].statements[] | select(test(";\\s*$"))] | length' 0 "statements come without their semicolons"
	jq_is '(.plan.ledger | length) > 0 and (.plan.notes | type) == "array" and (.plan.lost_rows | type) == "array"' true "the ledger, notes and lost rows are there"
	json_run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes --progress=json
	expect_code 0 "$SCENARIO: apply --progress=json runs every step"
	stream_checks
	is "$ERR" "" "$SCENARIO: nothing on stderr"
	jq_is '[.[] | select(.event == "check" and .phase == "gate") | .name] | index("confirmed") != null' true "the gates are check events" -s
	nsteps=$(jq -r '.nsteps' <<<"$(printf '%s\n' "$OUT" | grep '"step-started"' | head -n 1)")
	is "$(printf '%s\n' "$OUT" | jq -s '[.[] | select(.event == "step-started")] | length')" "$nsteps" "$SCENARIO: each step starts once"
	is "$(printf '%s\n' "$OUT" | jq -s '[.[] | select(.event == "step-done") | (.state | test("^(done|already-done|prepared|committed)$")) and (.duration_ms | type) == "number"] | all')" true \
		"$SCENARIO: each step-done has a state and a duration"
	if printf '%s\n' "$OUT" | grep -q '"prepared"'; then
		is "$(printf '%s\n' "$OUT" | jq -s '[.[] | select(.event == "decided")] | all(.decision == "commit" and (.gid | type) == "string" and (.node | type) == "string" and (.decided_by | type) == "string")')" true \
			"$SCENARIO: the all-nodes step's parts are decided: commit, with gid, node and what decided"
	fi
	json_run verify $(at newc) --json
	expect_code 0 "$SCENARIO: verify --json passes"
	jq_is '"\(.format) \(.exit_code) \(.outcome) \(.coordinator_works)"' "1 0 ok true" "the document has its format and outcome"
	jq_is '[.checks[] | (.number | type) == "number" and (.name | type) == "string" and (.status | test("^(pass|fail)$")) and (.message | type) == "string"] | all' true \
		"every check has a number, name, status and message"
	jq_is '[.checks[].number] | .[0:6]' "$(printf '[\n  1,\n  2,\n  3,\n  4,\n  5,\n  6\n]')" "numbered as the text output numbers them"
}
scenario "json: plan, apply and verify" sc_json_plan_apply_verify

sc_json_refused_preflight() {
	fresh_cluster || return
	new_node || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan-text.sql"
	local text_code=$CODE
	json_run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql" --json
	is "$CODE/$text_code" "10/10" "$SCENARIO: plan --json exits 10 as the text mode does"
	jq_is '"\(.exit_code) \(.outcome) \(.plan.steps | length)"' "10 pre-flight failed 0" "the document says pre-flight failed, no steps"
	jq_is '[.plan.checks[] | select(.name == "old-coordinator-gone") | .status] | join(",")' fail "the failed check is named, status fail"
	json_run recover $(at w2) --new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes --progress=json
	expect_code 10 "$SCENARIO: recover --progress=json refuses, nothing changed"
	stream_checks
	jq_is '[.[] | select(.event == "check" and .phase == "pre-flight" and .status == "fail") | .name] | join(",")' old-coordinator-gone \
		"the pre-flight checks are check events, the failure among them" -s
	jq_is '[.[] | select(.event == "plan" or (.event | startswith("step")))] | length' 0 "no plan and no step when pre-flight fails" -s
	json_run apply "$WORK/plan.sql" --workdir "$WORK/run2" --yes --progress=json
	expect_code 10 "$SCENARIO: apply of the plan without steps refuses, as in text mode"
	stream_checks
	jq_is '[.[] | select(.event == "failed") | (.refusal == true) and (.error.message | type) == "string"] | (length > 0 and all)' true \
		"the refusal is a failed event carrying the error" -s
	printf 'not a plan\n' >"$WORK/garbage.sql"
	json_run apply "$WORK/garbage.sql" --yes --progress=json
	expect_code 10 "$SCENARIO: a file that is no plan is refused"
	stream_checks
	json_run apply "$WORK/plan.sql" --progress=yaml
	expect_code 2 "$SCENARIO: an unknown --progress is bad usage"
	like "$ERR" 'invalid value "yaml" for --progress' "$SCENARIO: and says so on stderr"
}
scenario "json: refused pre-flight" sc_json_refused_preflight

sc_json_failed_step() {
	setup || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 0 "$SCENARIO: plan"
	# in a session of its own: no controlling terminal, even when the tests have one
	OUT=$(setsid -w ${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$WORK/plan.sql" --workdir "$WORK/run-unasked" --progress=json </dev/null 2>/dev/null)
	CODE=$?
	expect_code 10 "$SCENARIO: without --yes and without a terminal to ask on, nothing is done"
	stream_checks
	jq_is '[.[] | select(.event == "failed") | .error | "\(.message) / \(.hint)"] | .[0]' \
		"not confirmed: nothing was changed / Type yes on the terminal when asked, or give --yes; without a terminal nothing can be asked." \
		"the refusal says to give --yes" -s
	hold_lock w2 pg_catalog.pg_dist_local_group 15 EXCLUSIVE
	json_run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes --progress=json
	wait
	expect_code 10 "$SCENARIO: the failed step stops the run with the text mode's exit code"
	stream_checks
	jq_is '[.[] | select(.event == "failed")] | .[0] | "\(.step | type) \(.node | type) \(.error.sqlstate) \(.error.message | type)"' \
		"number string 55P03 string" "a failed event names the step and node with the server's SQLSTATE and message" -s
	jq_is '[.[] | select(.event == "note" and (.text | test("55P03")))] | length' 0 "the error's lines are not notes too" -s
	json_run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes --progress=json
	expect_code 0 "$SCENARIO: once the cause is gone, the same command finishes"
	stream_checks
}
scenario "json: failed step" sc_json_failed_step

sc_json_recover() {
	setup || return
	json_run recover $(at w2) --new-coordinator "$(addr newc)" --workdir "$WORK/run" --yes --progress=json
	expect_code 0 "$SCENARIO: recover --progress=json"
	stream_checks
	jq_is '[.[] | .event] | unique | map(select(. == "plan" or . == "check" or . == "step-started" or . == "step-done" or . == "note")) | length' 5 \
		"the plan, checks, steps and notes are all there" -s
	jq_is '[.[] | select(.event == "plan") | .plan.steps | length > 0] | .[0]' true "the plan event carries the steps" -s
	jq_is '[.[] | select(.event == "check") | .phase] | unique | join(",")' "gate,pre-flight,verify" "checks of pre-flight, gates and verify" -s
	jq_is '[.[] | select(.event == "check" and .phase == "verify") | .number] | .[0]' 1 "verify's checks keep their numbers" -s
	jq_is '[.[] | select(.event == "note" and (.text | startswith("Work directory:")))] | length' 1 "the work directory is a note" -s
	is "$ERR" "" "$SCENARIO: nothing on stderr"
}
scenario "json: recover" sc_json_recover

# Colour: PG_COLOR as PostgreSQL's tools read it, NO_COLOR, and auto only on a terminal
sc_colour() {
	# the escape alone, and as a pattern with its bracket
	local esc=$'\033' csi=$'\033''\['
	fresh_cluster || return
	new_node || return
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	unlike "$OUT" "$esc" "$SCENARIO: no colour by default when the output is no terminal"
	OUT=$(PG_COLOR=always rescue plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql" 2>&1)
	like "$OUT" "${csi}1;31mFAIL${csi}0m  old-coordinator-gone" "$SCENARIO: PG_COLOR=always colours FAIL"
	like "$OUT" "${csi}32mpass${csi}0m" "$SCENARIO: and pass"
	OUT=$(PG_COLOR=always NO_COLOR=1 rescue discover $(at w2) 2>&1)
	like "$OUT" "${csi}32mok" "$SCENARIO: PG_COLOR=always outranks NO_COLOR; discover colours node statuses"
	for env in PG_COLOR=never PG_COLOR=sometimes NO_COLOR=1 PG_COLOR=auto; do
		OUT=$(env $env rescue plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql" 2>&1)
		unlike "$OUT" "$esc" "$SCENARIO: $env: no colour"
	done
	OUT=$(PG_COLOR=always rescue plan $(at w2) --new-coordinator "$(addr newc)" --json 2>/dev/null)
	unlike "$OUT" "$esc" "$SCENARIO: JSON is never coloured"
	OUT=$(PG_COLOR=always rescue apply "$WORK/no-such-plan.sql" --yes 2>&1 >/dev/null)
	like "$OUT" "citus-rescue: ${csi}1;31mERROR:${csi}0m" "$SCENARIO: ERROR: is coloured on stderr"
	OUT=$(script -qec "$RESCUE plan $(at w2) --new-coordinator $(addr newc) -o $WORK/plan.sql" /dev/null 2>&1)
	like "$OUT" "${csi}1;31mFAIL" "$SCENARIO: on a terminal, colour by default"
	OUT=$(NO_COLOR=1 script -qec "$RESCUE plan $(at w2) --new-coordinator $(addr newc) -o $WORK/plan.sql" /dev/null 2>&1)
	unlike "$OUT" "$esc" "$SCENARIO: on a terminal with NO_COLOR, none"
	OUT=$(PG_COLOR=never script -qec "$RESCUE plan $(at w2) --new-coordinator $(addr newc) -o $WORK/plan.sql" /dev/null 2>&1)
	unlike "$OUT" "$esc" "$SCENARIO: on a terminal with PG_COLOR=never, none"
	OUT=$(PG_COLOR=sometimes script -qec "$RESCUE plan $(at w2) --new-coordinator $(addr newc) -o $WORK/plan.sql" /dev/null 2>&1)
	unlike "$OUT" "$esc" "$SCENARIO: on a terminal with an unknown PG_COLOR, none, as PostgreSQL's tools"
}
scenario "colour" sc_colour
