# The wizard takes the command line's options as the other commands do:
# --map, -w, -W and a fractional --timeout hold for every node it reaches,
# and a typed override of failed checks lets the plan go on.  Driven in a
# real terminal through tmux.  Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"

at_port() {
	pgc_port "$1"
}

wizard_at() {
	local node=$1; shift
	tmux_start 100 30 "cd $PGC_ROOT && $* $RESCUE wizard -h 127.0.0.1 -p $(at_port "$node") -U postgres $WIZARD_ARGS"
	tmux_wait_for "Host +127.0.0.1"
}

quit_wizard() {
	tmux_cmd send-keys -t t C-c
	tmux_wait_for "Type yes" 5 && tmux_cmd send-keys -t t yes Enter
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

pgc_init
fixture_create || { echo "Bail out! could not build the $FIXTURE_TIER fixture"; exit 1; }
pgc_destroy coord
fixture_new_node newc || { echo "Bail out! could not start a new node"; exit 1; }

# --- --timeout with a fraction, -w and -W ---------------------------------------
w1dir=$PGC_ROOT/w1/data
pgc_sql w1 "SET citus.enable_alter_role_propagation = off; ALTER ROLE postgres PASSWORD 'sekret'" >/dev/null
as_pg sed -i 's/^host\(.*\)trust$/host\1scram-sha-256/' "$w1dir/pg_hba.conf"
pgc_reload w1
sleep 0.3

SCENARIO="wizard -w"
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

SCENARIO="wizard -W"
WIZARD_ARGS="-W --timeout 5"
wizard_at w1 env -u PGPASSWORD PGPASSFILE=/nonexistent
like "$(tmux_screen)" "-W: type the password before connecting" "$SCENARIO: the form asks for the password"
tmux_cmd send-keys -t t Enter
tmux_wait_for "-W was given: type the password" 5
ok $? "$SCENARIO: it will not connect without one"
for i in 1 2 3 4 5; do tmux_cmd send-keys -t t Tab; done
tmux_cmd send-keys -t t sekret Enter
tmux_wait_for "step 2/8: Discover" 10 && tmux_wait_for "Enter: compare" 20
ok $? "$SCENARIO: the typed password reaches every node"
unlike "$(tmux_screen)" "sekret" "$SCENARIO: and is never shown"
quit_wizard

SCENARIO="wizard, a password the server asks for"
WIZARD_ARGS="--timeout 5"
wizard_at w1 env -u PGPASSWORD PGPASSFILE=/nonexistent
tmux_cmd send-keys -t t Enter
tmux_wait_for "no password supplied" 15
ok $? "$SCENARIO: without one, the form says why"
for i in 1 2 3 4 5; do tmux_cmd send-keys -t t Tab; done
tmux_cmd send-keys -t t sekret Enter
tmux_wait_for "Enter: compare" 20
ok $? "$SCENARIO: typed into the form, it is used"
quit_wizard

as_pg sed -i 's/^host\(.*\)scram-sha-256$/host\1trust/' "$w1dir/pg_hba.conf"
pgc_reload w1
sleep 0.3

# --- --map ---------------------------------------------------------------------------
SCENARIO="wizard --map"
w3port=$(at_port w3)
for n in w1 w2 w3; do
	pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = 'w3.invalid' WHERE nodeport = $w3port" >/dev/null
done
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
for n in w1 w2 w3; do
	pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = '127.0.0.1' WHERE nodeport = $w3port" >/dev/null
done

# --- override ---------------------------------------------------------------------------
SCENARIO="wizard override"
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

pgc_cleanup
PGC_NODES=""
