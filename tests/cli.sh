#!/bin/bash
# Command-line behaviour that needs no server.
. "$top_srcdir/tests/lib/tap.sh"
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}

sc_version_and_help() {
	out=$("$RESCUE" --version); code=$?
	is "$code" 0 "--version exits 0"
	like "$out" "^citus-rescue [0-9]+\.[0-9]+\.[0-9]+$" "--version prints name and version"
	out=$("$RESCUE" --help); code=$?
	is "$code" 0 "--help exits 0"
	like "$out" "discover" "--help lists the commands"
	out=$("$RESCUE" discover --help); code=$?
	is "$code" 0 "discover --help exits 0"
	like "$out" "--map=NAME:PORT=HOST:PORT" "discover --help documents --map"
	like "$out" "Exit status" "discover --help lists exit statuses"
}
scenario "version and help" sc_version_and_help

sc_no_or_unknown_command() {
	out=$("$RESCUE" 2>&1); code=$?
	is "$code" 2 "no command: bad usage"
	out=$("$RESCUE" frobnicate 2>&1); code=$?
	is "$code" 2 "unknown command: bad usage"
	like "$out" 'unknown command "frobnicate"' "and says which"
}
scenario "no command or an unknown one" sc_no_or_unknown_command

sc_wizard_without_terminal() {
	out=$("$RESCUE" wizard </dev/null 2>&1); code=$?
	is "$code" 2 "the wizard without a terminal refuses"
	like "$out" "needs a terminal" "and says so"
	like "$out" "discover, plan, apply, verify, recover" "pointing at the commands"
}
scenario "the wizard without a terminal" sc_wizard_without_terminal

sc_each_command_help() {
	for cmd in plan apply verify recover wizard; do
		out=$("$RESCUE" $cmd --help); code=$?
		is "$code" 0 "$cmd --help exits 0"
		like "$out" "Exit status" "$cmd --help lists exit statuses"
	done
}
scenario "each command's help" sc_each_command_help

sc_plan_options() {
	out=$("$RESCUE" plan -o /dev/null 2>&1); code=$?
	is "$code" 2 "plan without a method: bad usage"
	like "$out" "new-coordinator HOST:PORT or --promote" "and says what is missing"
	out=$("$RESCUE" plan --promote a:1 --new-coordinator b:2 -o x 2>&1); code=$?
	is "$code" 2 "plan with both methods: bad usage"
	out=$("$RESCUE" plan --promote a:1 --donor b:2 -o x 2>&1); code=$?
	is "$code" 2 "a donor with --promote: bad usage"
	out=$("$RESCUE" plan --promote a:1 --cim maybe -o x 2>&1); code=$?
	is "$code" 2 "bad --cim: bad usage"
	out=$("$RESCUE" plan --promote a:1 --prepared x=perhaps -o x 2>&1); code=$?
	is "$code" 2 "bad --prepared: bad usage"
	out=$("$RESCUE" plan --new-coordinator a:1 2>&1); code=$?
	is "$code" 2 "plan without -o: bad usage"
}
scenario "plan options" sc_plan_options

# The wizard reads its recovery choices as plan does, before it needs a terminal
sc_wizard_options() {
	out=$("$RESCUE" wizard --promote a:1 --donor b:2 </dev/null 2>&1); code=$?
	is "$code" 2 "wizard: a donor with --promote: bad usage"
	like "$out" "--donor applies to --new-coordinator only" "wizard: and says why, as plan does"
	out=$("$RESCUE" wizard --cim maybe </dev/null 2>&1); code=$?
	is "$code" 2 "wizard: bad --cim: bad usage"
	out=$("$RESCUE" wizard --new-coordinator nowhere </dev/null 2>&1); code=$?
	is "$code" 2 "wizard: --new-coordinator without a port: bad usage"
	out=$("$RESCUE" wizard --promote a:1 --new-coordinator b:2 </dev/null 2>&1); code=$?
	is "$code" 2 "wizard: both methods: bad usage"
	out=$("$RESCUE" wizard --help); code=$?
	like "$out" "--new-coordinator=HOST:PORT" "wizard --help documents the recovery choices"
	like "$out" "--workdir=DIR" "wizard --help documents --workdir"
}
scenario "wizard options" sc_wizard_options

sc_apply_no_plan() {
	out=$("$RESCUE" apply 2>&1); code=$?
	is "$code" 2 "apply without a file: bad usage"
	printf -- '-- not a plan\n' > "${TMPDIR:-/tmp}/not-a-plan.$$"
	out=$("$RESCUE" apply "${TMPDIR:-/tmp}/not-a-plan.$$" --workdir "${TMPDIR:-/tmp}/wd.$$" 2>&1); code=$?
	rm -rf "${TMPDIR:-/tmp}/not-a-plan.$$" "${TMPDIR:-/tmp}/wd.$$"
	is "$code" 10 "apply of a file that is not a plan: refused, nothing changed"
	like "$out" "malformed plan file|format" "and says why"
}
scenario "apply of no plan or not a plan" sc_apply_no_plan

sc_discover_options() {
	out=$("$RESCUE" discover --bogus 2>&1); code=$?
	is "$code" 2 "unknown option: bad usage"
	out=$("$RESCUE" discover --map nonsense 2>&1); code=$?
	is "$code" 2 "bad --map: bad usage"
	like "$out" "expected NAME:PORT=HOST:PORT" "and says what is expected"
	out=$("$RESCUE" discover --timeout 0 2>&1); code=$?
	is "$code" 2 "bad --timeout: bad usage"
	out=$("$RESCUE" discover --old-coordinator nohost 2>&1); code=$?
	is "$code" 2 "bad --old-coordinator: bad usage"
	out=$("$RESCUE" discover extra 2>&1); code=$?
	is "$code" 2 "stray argument: bad usage"
	out=$("$RESCUE" discover -d "host='unterminated" 2>&1); code=$?
	is "$code" 3 "a broken conninfo string: the first node cannot be reached"
	like "$out" "invalid connection string" "and says why"
}
scenario "discover options" sc_discover_options

# --- hostile input, each reproduction a test named after it ---------------------
# inert TEXT DESCRIPTION: no byte a terminal would obey
inert() {
	local text=$1; shift
	if printf '%s' "$text" | LC_ALL=C grep -aqP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]'; then
		ok 1 "$*"
		printf '%s' "$text" | cat -v | head -5 | sed 's/^/#   /'
	else
		ok 0 "$*"
	fi
}

sc_cli_error_argv_escapes() {
	out=$("$RESCUE" $'frob\e]2;owned\a\e[2J\xc2\x9bnicate' 2>&1); code=$?
	is "$code" 2 "cli_error_argv_escapes: an unknown command with escapes is bad usage"
	inert "$out" "cli_error_argv_escapes: and is echoed inert"
	like "$out" 'frob\\x1b\]2;owned\\x07\\x1b\[2J\\u\{009B\}nicate' "cli_error_argv_escapes: every control shown as an escape"
	out=$("$RESCUE" discover --map $'a\e[2J:1=\xe2\x80\xaeb' 2>&1); code=$?
	is "$code" 2 "cli_error_argv_escapes: a bad --map with escapes is bad usage"
	inert "$out" "cli_error_argv_escapes: and is echoed inert"
}
scenario "cli_error_argv_escapes" sc_cli_error_argv_escapes

sc_timeout_nan_and_tiny() {
	for t in nan NaN inf -1 0 1e-9 0.0004 3601 0x10 " 5" "5s" ""; do
		out=$("$RESCUE" discover --timeout "$t" 2>&1); code=$?
		is "$code" 2 "timeout_nan_and_tiny: --timeout '$t' is refused"
	done
}
scenario "timeout_nan_and_tiny" sc_timeout_nan_and_tiny

sc_apply_directory() {
	scratch=$(mktemp -d) || setup_failed "could not make a scratch directory" || return
	out=$("$RESCUE" apply /tmp --workdir "$scratch/wd" 2>&1); code=$?
	is "$code" 10 "apply_directory: apply of a directory is refused, nothing changed"
	like "$out" 'could not read "/tmp": Is a directory' "apply_directory: and says it is a directory, not a malformed plan"
	rm -rf "$scratch"
}
scenario "apply_directory" sc_apply_directory

sc_planfile_short_body_overflow() {
	scratch=$(mktemp -d) || setup_failed "could not make a scratch directory" || return
	# the reproduction of the parser overflow: step 1 of a golden plan without its body
	awk '/^-- step: 1 of/ { in1 = 1 } in1 && /^\\connect / { print; skip = 1; next }
     skip && /^-- end of step 1$/ { skip = 0; in1 = 0 } !skip { print }' \
		"$top_srcdir/tests/golden/plan-new-node-exclude.sql" >"$scratch/no-body.sql"
	ok $(grep -q '^-- end of step 1$' "$scratch/no-body.sql" && ! grep -q 'SELECT pg_catalog.citus_add_node' "$scratch/no-body.sql"; echo $?) \
		"planfile_short_body_overflow: the damaged plan keeps step 1's frame without its body"
	out=$(${CITUS_RESCUE_WRAPPER:-} "$RESCUE" apply "$scratch/no-body.sql" --workdir "$scratch/wd2" 2>&1); code=$?
	is "$code" 10 "planfile_short_body_overflow: apply refuses a step with no body"
	like "$out" "a step's batch must open with BEGIN" "planfile_short_body_overflow: and says why"
	rm -rf "$scratch"
}
scenario "planfile_short_body_overflow" sc_planfile_short_body_overflow

sc_plan_connect_differs_from_on() {
	scratch=$(mktemp -d) || setup_failed "could not make a scratch directory" || return
	# a \connect that names another node than "-- on:"
	sed '0,/^\\connect .*w\\\\.*1/s//\\connect -reuse-previous=on '"'"'host='"''"'elsewhere'"''"' port=5432'"'"'/' \
		"$top_srcdir/tests/golden/plan-new-node-exclude.sql" >"$scratch/elsewhere.sql"
	out=$("$RESCUE" apply "$scratch/elsewhere.sql" --workdir "$scratch/wd3" 2>&1); code=$?
	is "$code" 10 "plan_connect_differs_from_on: apply refuses it"
	like "$out" "does not name the node" "plan_connect_differs_from_on: and says why"
	rm -rf "$scratch"
}
scenario "plan_connect_differs_from_on" sc_plan_connect_differs_from_on

sc_man_page() {
	if command -v groff >/dev/null && [ -f "$top_builddir/man/citus-rescue.1" ]; then
		warnings=$(groff -ww -z -man "$top_builddir/man/citus-rescue.1" 2>&1)
		is "$warnings" "" "the man page has no groff warnings"
		rendered=$(groff -man -Tascii "$top_builddir/man/citus-rescue.1" 2>/dev/null | sed 's/.\x08//g')
		for word in discover plan apply verify recover wizard NO_COLOR CITUS_RESCUE_KEYS "EXIT STATUS" "--map" "--json" "--timeout" "--old-coordinator" "--new-coordinator" "--promote" "--workdir" "--prepared" "--move-shard" "journal.log" "restore.sh"; do
			like "$rendered" "$word" "the man page documents $word"
		done
	fi
}
scenario "the man page" sc_man_page

done_testing
