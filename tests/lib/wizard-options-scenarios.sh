# The wizard takes the command line's options as the other commands do:
# --map, -w, -W and a fractional --timeout hold for every node it reaches,
# and a typed override of failed checks lets the plan go on.  Driven in a
# real terminal through tmux.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"
. "$top_srcdir/tests/lib/headless.sh"

# The servers resolve names no resolver knows to 127.0.0.1, as a hosts
# file would (tests/lib/loopback-names.c): the new node must reach the
# worker pg_dist_node names w3.invalid, which only the console needs --map for.
PGC_LOOPBACK_NAMES=1

at_port() {
	pgc_port "$1"
}

# The cluster every scenario here shares: its coordinator gone, a new node
# ready; built by the first scenario that runs.
shared_cluster() {
	[ "$PGC_KIND" = shared ] && return 0
	pgc_cleanup
	PGC_NODES=""
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create || setup_failed "could not build the $FIXTURE_TIER fixture" || return
	pgc_destroy coord
	fixture_new_node newc || setup_failed "could not start a new node" || return
	PGC_KIND=shared
}

# wizard_at NODE [ENV...]: the wizard in tmux, connecting to NODE with $WIZARD_ARGS
wizard_at() {
	local node=$1; shift
	tmux_start 100 30 "cd $PGC_ROOT && $* $RESCUE wizard -h 127.0.0.1 -p $(at_port "$node") -U postgres $WIZARD_ARGS"
	tmux_wait_for "Host +127.0.0.1"
}

quit_wizard() {
	tmux_cmd send-keys -t t C-c
	tmux_wait_for "Quit citus-rescue\\? y/n" 5 && tmux_cmd send-keys -t t y
	tmux_wait_exit 10 >/dev/null
	tmux_stop
}

# from the discover screen to pre-flight, new node method
to_preflight() {
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 3/8: Compare"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 4/8: Choose"
	tmux_cmd send-keys -t t "127.0.0.1:$(at_port newc)" Enter
	tmux_wait_for "step 5/8: Pre-flight"
}

# the Password field is the form's last; Tab moves to it
to_password_field() {
	for i in 1 2 3 4 5; do tmux_cmd send-keys -t t Tab; done
}

sc_no_password() {
	shared_cluster || return
	pgc_password w1 on
	WIZARD_ARGS="-w --timeout 2.5"
	wizard_at w1 env -u PGPASSWORD PGPASSFILE=/nonexistent
	screen=$(tmux_screen)
	like "$screen" "Timeout s 2\\.5_" "$SCENARIO: a fractional --timeout fills the form as given"
	like "$screen" "-w: no password is asked for" "$SCENARIO: the form says no password is asked for"
	unlike "$screen" "Password  _" "$SCENARIO: and has no password field"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "no password supplied" 15
	ok $? "$SCENARIO: a server that wants a password fails in place, not with a prompt"
	like "$(tmux_screen)" "step 1/8: Connect" "$SCENARIO: back on the form"
	quit_wizard
	pgc_password w1 off
}
scenario "wizard -w" sc_no_password

sc_password_first() {
	shared_cluster || return
	pgc_password w1 on
	WIZARD_ARGS="-W --timeout 5"
	wizard_at w1 env -u PGPASSWORD PGPASSFILE=/nonexistent
	like "$(tmux_screen)" "-W: type the password before connecting" "$SCENARIO: the form asks for the password"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "-W was given: type the password" 5
	ok $? "$SCENARIO: it will not connect without one"
	to_password_field
	tmux_cmd send-keys -t t sekret Enter
	tmux_wait_for "step 2/8: Discover" 10 && tmux_wait_for "Enter: compare" 20
	ok $? "$SCENARIO: the typed password reaches every node"
	unlike "$(tmux_screen)" "sekret" "$SCENARIO: and is never shown"
	quit_wizard
	pgc_password w1 off
}
scenario "wizard -W" sc_password_first

sc_password_when_asked() {
	shared_cluster || return
	pgc_password w1 on
	WIZARD_ARGS="--timeout 5"
	wizard_at w1 env -u PGPASSWORD PGPASSFILE=/nonexistent
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "no password supplied" 15
	ok $? "$SCENARIO: without one, the form says why"
	to_password_field
	tmux_cmd send-keys -t t sekret Enter
	tmux_wait_for "Enter: compare" 20
	ok $? "$SCENARIO: typed into the form, it is used"
	quit_wizard
	pgc_password w1 off
}
scenario "wizard, a password the server asks for" sc_password_when_asked

# pg_dist_node names w3 by a name no resolver knows
rename_w3() {
	local name=$1 w3port
	w3port=$(at_port w3)
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = '$name' WHERE nodeport = $w3port" >/dev/null
	done
}

sc_map() {
	local w3port
	shared_cluster || return
	w3port=$(at_port w3)
	rename_w3 w3.invalid
	WIZARD_ARGS="--timeout 3"
	wizard_at w2
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Some nodes did not answer" 20
	ok $? "$SCENARIO: without it, the node pg_dist_node names w3.invalid is not reached"
	quit_wizard
	WIZARD_ARGS="--timeout 3 --map w3.invalid:$w3port=127.0.0.1:$w3port"
	wizard_at w2
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Every node answered and agrees" 20
	ok $? "$SCENARIO: with it, every node is reached at its mapped address"
	to_preflight
	tmux_wait_for "Enter: review the plan" 30
	ok $? "$SCENARIO: pre-flight passes through the map"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 6/8: Review"
	tmux_cmd send-keys -t t s
	tmux_wait_for "Save the plan to" 5
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Plan saved to" 5
	like "$(cat "$PGC_ROOT/citus-rescue-plan.sql" 2>/dev/null)" "^-- map: w3\\.invalid:$w3port=127\\.0\\.0\\.1:$w3port" \
		"$SCENARIO: the plan records the map, as the command line's does"
	quit_wizard
	rm -f "$PGC_ROOT/citus-rescue-plan.sql"
	rename_w3 127.0.0.1
}
scenario "wizard --map" sc_map

sc_override() {
	shared_cluster || return
	pgc_sql newc "CREATE TABLE stray (i int)" >/dev/null
	WIZARD_ARGS="--timeout 5"
	wizard_at w2
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Enter: compare" 20
	to_preflight
	tmux_wait_for "A check failed" 30
	ok $? "$SCENARIO: a new node with a table fails pre-flight"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Blocked by a failed check" 5
	ok $? "$SCENARIO: Enter is blocked"
	tmux_cmd send-keys -t t o
	tmux_wait_for "Type override" 5
	tmux_cmd send-keys -t t override Enter
	tmux_wait_for "Failed checks OVERRIDDEN" 30
	ok $? "$SCENARIO: the typed override is taken, and the screen says so"
	like "$(tmux_screen)" "FAIL new-node-empty" "$SCENARIO: the failed check stays on the screen"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 6/8: Review" 5
	ok $? "$SCENARIO: Enter now goes on to the review"
	quit_wizard
	pgc_sql newc "DROP TABLE stray" >/dev/null
}
scenario "wizard override" sc_override

# The recovery choices given as options fill the choose screen; they are
# read as plan reads them.  Headless, up to the choose screen and no further.
to_choose_keys="key ENTER
wait 30
dump discover
key ENTER
dump compare
key ENTER
dump choose
key CTRL-C
text y"

sc_choices_as_options() {
	shared_cluster || return
	LINES=24 COLUMNS=80 headless "$to_choose_keys" -h 127.0.0.1 -p "$(at_port w2)" -U postgres --timeout 5 \
		--new-coordinator "127.0.0.1:$(at_port newc)" --cim exclude --donor "127.0.0.1:$(at_port w1)" --workdir rescue-here
	screen_has "$SCREENS/choose.txt" "Way out \(F2\): a NEW NODE" "$SCENARIO: --new-coordinator chooses a new node"
	screen_has "$SCREENS/choose.txt" "New coordinator \(HOST:PORT\) +127\.0\.0\.1:$(at_port newc)" "$SCENARIO: and fills its address"
	screen_has "$SCREENS/choose.txt" "Donor \(empty: choose one\) +127\.0\.0\.1:$(at_port w1)" "$SCENARIO: --donor fills the donor"
	screen_has "$SCREENS/choose.txt" "CIM EXCLUDE \((same as detected|overrides what was detected)\)" "$SCENARIO: --cim exclude is taken, not the detected value"
	titles_tell_the_tier "$SCENARIO" discover compare choose
	is "$HEADLESS_CODE" 10 "$SCENARIO: Ctrl-C and y quit with exit 10: nothing was changed"
	rm -rf "$SCREENS"
	LINES=24 COLUMNS=80 headless "$to_choose_keys" -h 127.0.0.1 -p "$(at_port w2)" -U postgres --timeout 5 \
		--promote "127.0.0.1:$(at_port w1)" --cim include
	screen_has "$SCREENS/choose.txt" "Way out \(F2\): PROMOTE" "$SCENARIO: --promote chooses to promote"
	screen_has "$SCREENS/choose.txt" "Worker to promote \(HOST:PORT\) +127\.0\.0\.1:$(at_port w1)" "$SCENARIO: the worker named, not the first one"
	screen_has "$SCREENS/choose.txt" "CIM INCLUDE" "$SCENARIO: --cim include is taken"
	rm -rf "$SCREENS"
}
scenario "wizard, recovery choices as options" sc_choices_as_options

# --full-resync reaches the plan as plan's option does: pre-flight says
# the workers get Citus's full sync, and why
sc_full_resync_option() {
	shared_cluster || return
	LINES=43 COLUMNS=132 headless "key ENTER
wait 30
key ENTER
key ENTER
key ENTER
wait 60
key END
dump preflight
key CTRL-C
text y" -h 127.0.0.1 -p "$(at_port w2)" -U postgres --timeout 5 --new-coordinator "127.0.0.1:$(at_port newc)" --full-resync
	screen_has "$SCREENS/preflight.txt" "resync: Citus's full metadata sync .*re-sends every" "$SCENARIO: pre-flight says the full sync runs"
	screen_has "$SCREENS/preflight.txt" "^\\+--full-resync asks for it" "$SCENARIO: because the option asked for it"
	is "$HEADLESS_CODE" 10 "$SCENARIO: nothing was changed"
	rm -rf "$SCREENS"
}
scenario "wizard --full-resync" sc_full_resync_option

# A whole recovery from the options, headless, every screen dumped: the
# work directory given relative is shown absolute, execute shows its
# progress and the step under way, verify moves a shard on m and y, and a
# verified recovery quits on q alone.  The shared cluster is recovered after it.
sc_recovery_from_the_options() {
	local newc
	shared_cluster || return
	newc=127.0.0.1:$(at_port newc)
	pushd "$PGC_ROOT" >/dev/null || return
	LINES=24 COLUMNS=80 CITUS_RESCUE_TEST_PAUSE=done:1:1500 headless "key ENTER
wait 30
dump discover
key ENTER
dump compare
key ENTER
dump choose
key ENTER
wait 60
dump preflight
key ENTER
dump review
text nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn
key ENTER
text yes
key ENTER
sleep 1000
dump execute-under-way
wait 120
dump execute
key ENTER
wait 120
dump verify
key m
dump move-question
text y
wait 120
dump moved
key q" -h 127.0.0.1 -p "$(at_port w2)" -U postgres --timeout 5 --new-coordinator "$newc" --workdir rescue-here
	popd >/dev/null
	PGC_KIND=recovered
	titles_tell_the_tier "$SCENARIO" discover compare choose preflight review execute-under-way execute verify
	screen_has "$SCREENS/execute-under-way.txt" "^ Work directory: $PGC_ROOT/rescue-here\$" \
		"$SCENARIO: execute names the work directory --workdir gave relative, as an absolute path"
	screen_has "$SCREENS/execute-under-way.txt" "^ Progress \[#+\.+\] 1/[0-9]+ steps  [0-9]+\.[0-9] s" \
		"$SCENARIO: a progress bar: the first step done of the plan's, the run's time"
	screen_has "$SCREENS/execute-under-way.txt" "^ Step 2/[0-9]+ on 127\.0\.0\.1:[0-9]+, [0-9]+\.[0-9] s: [A-Z]" \
		"$SCENARIO: the step under way: its number, node, time and purpose"
	screen_has "$SCREENS/execute-under-way.txt" "^ \[1/[0-9]+\] 127\.0\.0\.1:[0-9]+: done \([0-9]+ ms\)" \
		"$SCENARIO: the log below, each finished step with its time"
	screen_has "$SCREENS/execute.txt" "^ Progress \[#{40}\] ([0-9]+)/\1 steps" "$SCENARIO: at the end the bar is full"
	screen_has "$SCREENS/execute.txt" "^ Every step done, in [0-9]+\.[0-9] s\." "$SCENARIO: and says how long the run took"
	screen_has "$SCREENS/execute.txt" "All [0-9]+ steps done\\. Journal: $PGC_ROOT/r" "$SCENARIO: the log names the absolute path too"
	screen_has "$SCREENS/verify.txt" "Work directory: $PGC_ROOT/rescue-here " "$SCENARIO: and so does verify"
	screen_has "$SCREENS/verify.txt" "The new coordinator works" "$SCENARIO: verify passes"
	unlike "$(cat "$SCREENS/verify.txt")" "9\\. shard move" "$SCENARIO: without moving a shard"
	screen_has "$SCREENS/verify.txt" "  q   m   Arrows" "$SCENARIO: the hint offers the move"
	screen_has "$SCREENS/move-question.txt" "Verify again, moving a shard of a scratch table to another node\\? y/n" \
		"$SCENARIO: m asks first, for one key"
	screen_has "$SCREENS/moved.txt" "pass +9\\. shard move: moved shard [0-9]+ to " "$SCENARIO: y verifies again, moving a shard"
	screen_has "$SCREENS/moved.txt" "The new coordinator works" "$SCENARIO: and it passes"
	titles_tell_the_tier "$SCENARIO" move-question moved
	is "$HEADLESS_CODE" 0 "$SCENARIO: after a verified recovery q quits at once, with exit 0"
	ok $([ -s "$PGC_ROOT/rescue-here/journal.log" ] && echo 0 || echo 1) "$SCENARIO: the run wrote where --workdir said"
	rm -rf "$SCREENS"
}
scenario "wizard, a whole recovery from the options" sc_recovery_from_the_options

# rehearse.sh opens the wizard with the new node's address given, so the
# operator need not copy it; a stand-in for citus-rescue shows what it ran.
sc_rehearse_gives_the_new_node() {
	local fake
	[ -n "$PGC_ROOT" ] || pgc_init || setup_failed "could not make a directory for the servers" || return
	fake=$PGC_ROOT/fake-rescue
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\n' "$PGC_ROOT/rehearse-args" >"$fake"
	chmod 755 "$fake"
	tmux_start 100 30 "CITUS_RESCUE=$fake bash $top_srcdir/tests/rehearse.sh"
	tmux_wait_exit 120 >/dev/null
	printed=$(tmux_screen | sed -n 's/^A fresh node for the new coordinator: \([^ ]*\).*/\1/p')
	tmux_stop
	like "$printed" "^127\.0\.0\.1:[0-9]+$" "$SCENARIO: it prints the new node's address"
	like "$(tr '\n' ' ' <"$PGC_ROOT/rehearse-args" 2>/dev/null)" "^wizard .* --new-coordinator $printed $" \
		"$SCENARIO: and gives the wizard that address with --new-coordinator"
}
if [ "$FIXTURE_TIER" = standin ]; then
	scenario "rehearse gives the new node" sc_rehearse_gives_the_new_node
fi

pgc_cleanup
PGC_NODES=""
