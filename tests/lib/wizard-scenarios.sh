# The wizard, driven as a person drives it: a headless key script with
# screens dumped and compared, and tmux sending keys to a real terminal.
# Sourced after FIXTURE_TIER is set.

. "$top_srcdir/tests/lib/rescue.sh"
. "$top_srcdir/tests/lib/headless.sh"
. "$top_srcdir/tests/lib/review-readback.sh"

# The servers resolve names no resolver knows to 127.0.0.1, as a hosts
# file would (tests/lib/loopback-names.c): the new node reaches a worker
# the review scenarios give a hostile name.
PGC_LOOPBACK_NAMES=1

at_port() {
	pgc_port "$1"
}

# fresh_cluster: the previous scenario's servers gone, a new cluster
# whose coordinator is gone
fresh_cluster() {
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create "$@" || setup_failed "could not build the $FIXTURE_TIER fixture" || return
	pgc_destroy coord
}

new_node() {
	fixture_new_node newc || setup_failed "could not start a new node" || return
}

# shared_cluster: the cluster the scenarios up to "wizard, new node" share,
# its coordinator gone and an empty node to take its place
shared_cluster() {
	[ "$PGC_KIND" = shared ] && return 0
	fresh_cluster || return
	new_node || return
	PGC_KIND=shared
}

# --- screens that need no cluster -------------------------------------------
sc_connect_and_help_screens() {
	LINES=24 COLUMNS=80 headless 'dump connect
key F1
dump help
key ESC
key CTRL-C
dump quit-question
key n
dump not-quit
key q
dump q-in-a-field
key CTRL-C
text y' -h db.example -p 6432 -U alice -d app
	is "$HEADLESS_CODE" 10 "headless: the wizard quits on y, with exit 10: nothing was changed"
	golden_screen connect "$SCREENS/connect.txt"
	golden_screen help "$SCREENS/help.txt"
	screen_has "$SCREENS/help.txt" "F2 .*new node or promote" "help is generated from the key table"
	screen_has "$SCREENS/quit-question.txt" "Quit citus-rescue\\? y/n" "Ctrl-C asks before quitting, for one key"
	screen_has "$SCREENS/not-quit.txt" "step 1/8: Connect" "n does not quit"
	unlike "$(cat "$SCREENS/not-quit.txt")" "Quit citus-rescue" "and the question is gone"
	screen_has "$SCREENS/q-in-a-field.txt" "Host +db\\.exampleq" "q in a field is typed, not a quit"
	rm -rf "$SCREENS"
}

sc_too_small_then_resized() {
	LINES=20 COLUMNS=60 headless 'dump small
resize 100x30
dump resized
resize 80x24
dump back-to-80x24
key CTRL-C
text y' -h db.example
	golden_screen too-small "$SCREENS/small.txt"
	screen_has "$SCREENS/resized.txt" "step 1/8: Connect" "after a resize to 100x30 the layout is rebuilt"
	screen_has "$SCREENS/resized.txt" "Host +db.example" "and keeps what was typed"
	golden_screen connect-80x24-after-resize "$SCREENS/back-to-80x24.txt"
	rm -rf "$SCREENS"
}

if [ "$FIXTURE_TIER" = standin ]; then
	scenario "connect and help screens" sc_connect_and_help_screens
	scenario "too small, then resized" sc_too_small_then_resized
fi

# --- a connection error, shown in place --------------------------------------
sc_connection_error() {
	LINES=24 COLUMNS=80 headless "key ENTER
wait 20
dump error" -h 127.0.0.1 -p "$(pgc_free_port)" -U postgres --timeout 2
	screen_has "$SCREENS/error.txt" "step 1/8: Connect" "a failed connection returns to the form"
	screen_has "$SCREENS/error.txt" "Connection refused" "with the error in place"
	screen_has "$SCREENS/error.txt" "accepting TCP/IP connections" "the whole of it, wrapped at 80 columns, not cut"
	rm -rf "$SCREENS"
}
scenario "connection error" sc_connection_error

# --- hostile node names -------------------------------------------------------
sc_hostile_node_names() {
	shared_cluster || return
	w3port=$(at_port w3)
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = E'w3\"''\\\\</B><C>\\nx' WHERE nodeport = $w3port" >/dev/null
	done
	# and w2 alone gives it a rack with an escape sequence and markup in it
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_node SET noderack = E'r\\x1b[31m</B>' WHERE nodeport = $w3port" >/dev/null
	LINES=24 COLUMNS=120 headless "key ENTER
wait 30
dump discover
key ENTER
dump compare
key ]
dump compare-w2
key v
dump matrix
key v
dump catalogs
key CTRL-C
text y" -h 127.0.0.1 -p "$(at_port w1)" -U postgres --timeout 3
	screen_has "$SCREENS/discover.txt" "w3\"'\\\\</B><C>\\\\nx:$w3port" "a hostile node name is shown as it is, its newline escaped"
	is "$(grep -c '^x' "$SCREENS/discover.txt")" 0 "no newline from a node name breaks the screen"
	screen_has "$SCREENS/compare.txt" "pg_dist_node on 127\\.0\\.0\\.1:$(at_port w1) \\(1 of [0-9]+\\)" "compare shows each node's pg_dist_node"
	screen_has "$SCREENS/compare.txt" "^[ >!][0-9]+ +[0-9]+ +w3\"'\\\\</B><C>\\\\nx +$w3port " "compare: the hostile name in its cell, its newline escaped"
	is "$(grep -c '^x' "$SCREENS/compare.txt")" 0 "compare: no newline from a node name breaks a row"
	screen_has "$SCREENS/compare-w2.txt" "^!.*nx +$w3port +r\\\\x1b\\[31m</B>\\* " "compare: w2's rack, escaped and marked as differing"
	screen_has "$SCREENS/matrix.txt" "w3\"'\\\\</B><C>\\\\nx:$w3port" "compare: the matrix's key names the node as it is"
	screen_has "$SCREENS/catalogs.txt" "pg_dist_placement: agrees" "and the catalogs' agreement"
	rm -rf "$SCREENS"
	for n in w1 w2 w3; do
		pgc_sql "$n" "UPDATE pg_catalog.pg_dist_node SET nodename = '127.0.0.1', noderack = 'default' WHERE nodeport = $w3port" >/dev/null
	done
}
scenario "hostile node names" sc_hostile_node_names

# --- what died with the coordinator, on the discover screen ------------------------
sc_discover_shows_the_ledger() {
	shared_cluster || return
	LINES=50 COLUMNS=120 headless "key ENTER
wait 30
dump discover
key CTRL-C
text y" -h 127.0.0.1 -p "$(at_port w1)" -U postgres --timeout 3
	screen_has "$SCREENS/discover.txt" "What died with the old coordinator \\(from 3 workers\\):" "$SCENARIO: the ledger follows the nodes"
	screen_has "$SCREENS/discover.txt" "local-tables         restore from backup" "$SCENARIO: an item per line, with its fate"
	screen_has "$SCREENS/discover.txt" "cron-jobs            restore from backup  no pg_cron extension on any worker" \
		"$SCENARIO: and what the workers show"
	titles_tell_the_tier "$SCENARIO" discover
	if [ "$FIXTURE_TIER" = standin ]; then
		screen_has "$SCREENS/discover.txt" "^ SIMULATION: every node that answered runs the citus-rescue stand-in, not Citus\." \
			"$SCENARIO: the summary says the nodes run the stand-in"
		screen_has "$SCREENS/discover.txt" "Not modelled: the distributed planner and executor, DDL propagation" \
			"$SCENARIO: and what it does not model"
	else
		unlike "$(cat "$SCREENS/discover.txt")" "stand-in" "$SCENARIO: no word of the stand-in on Citus"
	fi
	rm -rf "$SCREENS"
}
scenario "discover shows the ledger" sc_discover_shows_the_ledger

# --- disagreements, highlighted ------------------------------------------------
# w2 places a shard in group 3 that w1 and w3 place in group 1, and gives
# w3 another rack: the compare screen marks both, on w2's side only.
disagree() {
	moved=$(pgc_sql w2 "SELECT shardid FROM pg_catalog.pg_dist_placement WHERE groupid = 1 ORDER BY shardid LIMIT 1")
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET groupid = 3 WHERE shardid = $moved" >/dev/null
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_node SET noderack = 'rack9' WHERE nodeport = $(at_port w3)" >/dev/null
}

agree_again() {
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_placement SET groupid = 1 WHERE shardid = $moved" >/dev/null
	pgc_sql w2 "UPDATE pg_catalog.pg_dist_node SET noderack = 'default' WHERE nodeport = $(at_port w3)" >/dev/null
}

# every column pg_dist_node has on the first node, in order
node_columns() {
	pgc_sql w1 "SELECT pg_catalog.string_agg(attname, ' ' ORDER BY attnum) FROM pg_catalog.pg_attribute
	             WHERE attrelid = 'pg_catalog.pg_dist_node'::pg_catalog.regclass AND attnum > 0 AND NOT attisdropped"
}

sc_disagreements_highlighted() {
	local w1 w2 w3 column missing=
	shared_cluster || return
	w1=$(at_port w1) w2=$(at_port w2) w3=$(at_port w3)
	disagree
	LINES=43 COLUMNS=132 headless "key ENTER
wait 30
key ENTER
dump first
key DOWN
dump down
key ]
dump w2
key DOWN
key DOWN
dump w3-row
key TAB
key DOWN
dump focus
key v
dump matrix
key v
dump rows
key v
resize 400x40
dump wide
resize 80x24
dump small
key CTRL-C
text y" -h 127.0.0.1 -p "$w1" -U postgres
	screen_has "$SCREENS/first.txt" "^> pg_dist_node on 127\\.0\\.0\\.1:$w1 \\(1 of 3\\)" "compare: pg_dist_node as the first node sees it, the pane named"
	screen_has "$SCREENS/first.txt" "^ nodeid +groupid +nodename +nodeport +noderack " "compare: its columns by name"
	screen_has "$SCREENS/down.txt" "group 1: [0-9]+ placements, 1 disputed" "compare: the cursor's row shows its group's placements"
	unlike "$(cat "$SCREENS/first.txt")" "group 1: " "compare: and moving the cursor changed them"
	screen_has "$SCREENS/down.txt" "!app\\.(accounts|orders) +$moved\\* +2/3 " "compare: the shard the nodes disagree on is marked, with how many nodes place it there"
	unlike "$(cat "$SCREENS/first.txt" "$SCREENS/down.txt")" "rack9" "compare: the first node's view has no other rack"
	screen_has "$SCREENS/w2.txt" "pg_dist_node on 127\\.0\\.0\\.1:$w2 \\(2 of 3\\)" "compare: ] shows the next node's pg_dist_node"
	screen_has "$SCREENS/w2.txt" "^!.* $w3 +rack9\\* " "compare: the cell that differs from most nodes is marked"
	screen_has "$SCREENS/w3-row.txt" "^>.* $w3 +rack9\\* " "compare: the cursor moves down the rows"
	screen_has "$SCREENS/w3-row.txt" "group 3: [0-9]+ placements, 1 disputed" "compare: to w3's group"
	screen_has "$SCREENS/w3-row.txt" "!app\\.(accounts|orders) +$moved\\* +1/3 +- " "compare: where w2 alone places the shard"
	screen_has "$SCREENS/focus.txt" "^  pg_dist_node on .*> group 3: " "compare: Tab gives the placements pane the keys"
	screen_has "$SCREENS/focus.txt" "^>.* $w3 +rack9\\* " "compare: and Down scrolls it, not the cursor"
	screen_has "$SCREENS/matrix.txt" "^!placement +\\? \\. X \\. *$" "compare: the matrix marks w2's placements as differing"
	screen_has "$SCREENS/matrix.txt" "^!node +\\? \\. X \\. *$" "compare: and its pg_dist_node"
	screen_has "$SCREENS/matrix.txt" "\\. agrees +X differs +\\? not read" "compare: with a legend"
	screen_has "$SCREENS/matrix.txt" "(^| )3 127\\.0\\.0\\.1:$w2( |$)" "compare: and a key to the columns"
	screen_has "$SCREENS/rows.txt" "^!pg_dist_placement: DISAGREES" "compare: the disagreeing catalog is marked"
	screen_has "$SCREENS/rows.txt" "^! +\\+ shardid=$moved groupid=3" "compare: with the differing row"
	for column in $(node_columns); do
		grep -Eq "^ (.* )?$column( |$)" "$SCREENS/wide.txt" || missing="$missing $column"
	done
	is "$missing" "" "compare: every column of pg_dist_node is shown"
	screen_has "$SCREENS/small.txt" "^ nodeid +groupid +nodename .*>" "compare: at 80x24 the columns scroll sideways, an edge mark says so"
	rm -rf "$SCREENS"
	agree_again
}
scenario "disagreements, highlighted" sc_disagreements_highlighted

# --- the agreement matrix turns pages ------------------------------------------
# 29 more pg_dist_node rows, for nodes that do not answer: 33 nodes do
# not fit 80 columns (31 do), so the matrix shows them a page at a time.
sc_matrix_pages() {
	local n=101 port used=" " sql=
	shared_cluster || return
	while [ $n -le 129 ]; do
		port=$(pgc_free_port) || return
		case "$used" in *" $port "*) continue ;; esac
		used="$used$port "
		sql="$sql INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata,
		            isactive, metadatasynced, shouldhaveshards) VALUES ($n, $n, '127.0.0.1', $port, true, true, true, true);"
		n=$((n + 1))
	done
	for n in w1 w2 w3; do
		pgc_sql "$n" "$sql" >/dev/null
	done
	n=$(pgc_sql w1 "SELECT count(*) FROM pg_catalog.pg_dist_node")
	LINES=24 COLUMNS=80 headless "key ENTER
wait 30
key ENTER
key v
dump first-page
key RIGHT
dump second-page
key LEFT
dump first-again
resize 132x43
dump wide
key CTRL-C
text y" -h 127.0.0.1 -p "$(at_port w1)" -U postgres --timeout 3
	screen_has "$SCREENS/first-page.txt" "^ Nodes 1-31 of $n; Right: the next ones" "matrix: $n nodes at 80 columns, 31 to a page"
	screen_has "$SCREENS/first-page.txt" "^ +1 1 1 1 1" "matrix: the columns are headed by nodeid, standing on end"
	screen_has "$SCREENS/first-page.txt" "^ catalog \\\\ node  1 2 3 4 1 2 3 4 " "matrix: their last digits over the cells"
	screen_has "$SCREENS/first-page.txt" "^ placement +\\? \\. \\. \\. \\? \\? " "matrix: a node that does not answer was not read"
	screen_has "$SCREENS/second-page.txt" "^ Nodes 32-$n of $n; Left: the previous ones" "matrix: Right turns the page"
	screen_has "$SCREENS/second-page.txt" "(^| )12[0-9] 127\\.0\\.0\\.1:[0-9]+" "matrix: the key names the page's nodes"
	screen_has "$SCREENS/first-again.txt" "^ Nodes 1-31 of $n" "matrix: Left turns it back"
	screen_has "$SCREENS/wide.txt" "^ Nodes 1-$n of $n *$" "matrix: at 132 columns they fit one page"
	rm -rf "$SCREENS"
	for n in w1 w2 w3; do
		pgc_sql "$n" "DELETE FROM pg_catalog.pg_dist_node WHERE nodeid BETWEEN 101 AND 129" >/dev/null
	done
}
scenario "matrix pages" sc_matrix_pages

# --- a hung node counts down ---------------------------------------------------
sc_hung_node_counts_down() {
	shared_cluster || return
	pgc_freeze w3
	tmux_start 100 30 "$RESCUE wizard -h 127.0.0.1 -p $(at_port w1) -U postgres --timeout 6"
	tmux_wait_for "Host +127.0.0.1"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "gives up in [0-9]+ s" 10
	ok $? "a hung node shows a countdown to its deadline"
	first=$(tmux_screen | grep -Eo "gives up in [0-9]+ s" | head -1)
	sleep 2
	second=$(tmux_screen | grep -Eo "gives up in [0-9]+ s" | head -1)
	ok $([ -n "$first" ] && [ "$first" != "$second" ] && echo 0 || echo 1) "the screen keeps moving while it waits ($first, then $second)"
	tmux_wait_for "timeout|did not answer" 15
	ok $? "and it gives up at the deadline"
	tmux_stop
	pgc_thaw w3
}
scenario "hung node counts down" sc_hung_node_counts_down

# --- the review explains each batch and shows every byte of it ------------------------
# w3's name in pg_dist_node while the review scenarios run: markup, quotes,
# a backslash and a newline, reached by --map
REVIEW_W3_NAME=$'w3"\'\\</B><C>\nx'
REVIEW_MAX_BATCHES=12
REVIEW_MAX_PAGES=12

rename_w3() {
	local n
	for n in w1 w2 w3; do
		pgc_psql "$n" -v name="$1" -v port="$(at_port w3)" >/dev/null <<'SQL'
UPDATE pg_catalog.pg_dist_node SET nodename = :'name' WHERE nodeport = :port;
SQL
	done
}

review_map() {
	printf '%s:%s=127.0.0.1:%s' "$REVIEW_W3_NAME" "$(at_port w3)" "$(at_port w3)"
}

# review_script CHOOSE-LINES: keys from the first screen to the review, the
# plan saved as review.sql, then each batch paged down to its end, a
# screen dumped after each key
review_script() {
	local b p
	printf '%s\n' "key ENTER" "wait 30" "key ENTER" "key ENTER" "$1" "key ENTER" "wait 30" "key ENTER" \
		"dump review-first" "key s" "text review.sql" "key ENTER"
	for b in $(seq 1 $REVIEW_MAX_BATCHES); do
		echo "dump batch-$b-0"
		for p in $(seq 1 $REVIEW_MAX_PAGES); do
			printf '%s\n' "key PGDN" "dump batch-$b-$p"
		done
		echo "key n"
	done
	printf '%s\n' "key CTRL-C" "text y"
}

# review_headless CHOOSE-LINES: the wizard at 80x24 on that script, in $SCREENS
review_headless() {
	SCREENS=$(mktemp -d)
	review_script "$1" >"$SCREENS/keys"
	(cd "$SCREENS" && LINES=24 COLUMNS=80 TERM=xterm CITUS_RESCUE_KEYS="$SCREENS/keys" CITUS_RESCUE_SCREENS="$SCREENS" \
		${CITUS_RESCUE_WRAPPER:-} "$RESCUE" wizard -h 127.0.0.1 -p "$(at_port w1)" -U postgres --timeout 5 \
		--map "$(review_map)" >/dev/null 2>&1)
	HEADLESS_CODE=$?
}

# batches_read_back DIR COUNT SCREEN-PREFIX: each batch read off its screens
# is the plan file's, byte for byte
batches_read_back() {
	local dir=$1 count=$2 prefix=$3 b p pages same=0
	[ "${count:-0}" -gt 0 ] || same=1
	for b in $(seq 1 "${count:-0}"); do
		pages=()
		for p in $(seq 0 $REVIEW_MAX_PAGES); do
			[ -f "$dir/$prefix-$b-$p.txt" ] && pages+=("$dir/$prefix-$b-$p.txt")
		done
		screen_sql 24 80 "${pages[@]}" >"$dir/screen-$b.sql"
		plan_batch "$dir/review.sql" "$b" >"$dir/plan-$b.sql"
		if ! [ -s "$dir/plan-$b.sql" ] || ! cmp -s "$dir/screen-$b.sql" "$dir/plan-$b.sql"; then
			same=1
			diag "batch $b read off the screen differs from the plan file's:"
			diag "$(diff "$dir/plan-$b.sql" "$dir/screen-$b.sql" | head -20)"
		fi
	done
	ok $same "$SCENARIO: every byte of each of the $count batches reads back off the 80x24 screen as the saved plan has it"
}

# review_checks: what every review must show, read from the headless dumps
review_checks() {
	local count
	count=$(grep -Eo 'Batch 1 of [0-9]+' "$SCREENS/review-first.txt" | head -1 | grep -Eo '[0-9]+$')
	ok $([ -n "$count" ] && [ "$count" -le $REVIEW_MAX_BATCHES ] && echo 0 || echo 1) \
		"$SCENARIO: the review shows batch 1 of ${count:-?}"
	screen_has "$SCREENS/review-first.txt" "Batch 1 of $count runs on 127\.0\.0\.1:[0-9]+, " "$SCENARIO: the words name the node first"
	screen_has "$SCREENS/review-first.txt" "What it changes: On " "$SCENARIO: then what the batch changes, in words"
	screen_has "$SCREENS/review-first.txt" "^ +Transaction: " "$SCENARIO: the transaction, in words"
	is "$(grep -l 'Done when: SELECT' "$SCREENS"/*.txt | wc -l)" 0 "$SCENARIO: no screen shows a check query as what done means"
	is "$(grep -l 'SELECT false' "$SCREENS"/*.txt | wc -l)" 0 "$SCENARIO: no screen shows a check that never says done"
	is "$(grep -c 'How apply confirms it: done when\|How apply confirms it: never counted' "$SCREENS"/batch-*-0.txt | grep -vc ':0$')" \
		"$(ls "$SCREENS"/batch-*-0.txt | wc -l)" "$SCENARIO: every batch says how apply confirms it, in words"
	screen_has "$SCREENS/batch-2-0.txt" "Batch 2 of $count" "$SCENARIO: the message line says which batch of how many"
	ok $([ -s "$SCREENS/review.sql" ] && echo 0 || echo 1) "$SCENARIO: s saved the plan"
	batches_read_back "$SCREENS" "$count" batch
	REVIEW_COUNT=$count
}

sc_review_new_node() {
	shared_cluster || return
	rename_w3 "$REVIEW_W3_NAME"
	review_headless "text 127.0.0.1:$(at_port newc)"
	is "$HEADLESS_CODE" 10 "$SCENARIO: the wizard quits when asked, nothing changed"
	review_checks
	screen_has "$SCREENS/review-first.txt" "runs on 127\.0\.0\.1:[0-9]+, the donor\." "$SCENARIO: the first batch runs on the donor, so named"
	like "$(cat "$SCREENS"/batch-*.txt)" "How apply confirms it: never counted as done" \
		"$SCENARIO: the batch its check cannot tell about says so"
	like "$(cat "$SCREENS"/batch-*.txt)" "The batch, every byte as the plan file has it \([0-9]+ lines" \
		"$SCENARIO: the batch is labelled as the plan file's"
	rm -rf "$SCREENS"
	rename_w3 127.0.0.1
}
scenario "review explains, new node" sc_review_new_node

sc_review_promote() {
	shared_cluster || return
	rename_w3 "$REVIEW_W3_NAME"
	review_headless "key F2
$(for i in $(seq 1 30); do echo "key BACKSPACE"; done)
text 127.0.0.1:$(at_port w3)"
	review_checks
	like "$(cat "$SCREENS"/batch-*.txt)" "Transaction: all or nothing, as atomic group 1 \(steps 1, 2 and 3\)" \
		"$SCENARIO: the rename's transaction is told as an atomic group, with its steps"
	like "$(cat "$SCREENS"/batch-3-*.txt)" "COMMIT PREPARED 'rescue_plan_1_1';" \
		"$SCENARIO: the group's last batch shows its COMMIT PREPARED lines"
	like "$(cat "$SCREENS"/batch-1-*.txt)" "E'w3\"''\\\\\\\\</B><C>\\\\nx'" \
		"$SCENARIO: the hostile name in apply's check query is shown escaped, markup and all"
	rm -rf "$SCREENS"
	rename_w3 127.0.0.1
}
scenario "review explains, promote" sc_review_promote

# The same read-back in a real terminal at 80x24, through tmux
# tmux_settled: the screen, once two looks 0.1 s apart agree
tmux_settled() {
	local before now i=0
	before=$(tmux_screen)
	while [ $i -lt 50 ]; do
		sleep 0.1
		now=$(tmux_screen)
		[ "$now" = "$before" ] && break
		before=$now
		i=$((i + 1))
	done
	printf '%s\n' "$now"
}

# tmux_page_down FILE: PgDn; the screen after it in FILE; false when it did not move
tmux_page_down() {
	local before=$1 after=$2 i=0
	tmux_cmd send-keys -t t PgDn
	while [ $i -lt 20 ]; do
		sleep 0.1
		tmux_screen | cmp -s - "$before" || break
		i=$((i + 1))
	done
	tmux_settled >"$after"
	! cmp -s "$before" "$after"
}

sc_review_read_back_in_tmux() {
	local script count b p
	shared_cluster || return
	rename_w3 "$REVIEW_W3_NAME"
	SCREENS=$(mktemp -d)
	script=$SCREENS/wizard.sh
	printf '#!/bin/bash\ncd %q && exec %q wizard -h 127.0.0.1 -p %q -U postgres --timeout 5 --map %q\n' \
		"$SCREENS" "$RESCUE" "$(at_port w1)" "$(review_map)" >"$script"
	chmod +x "$script"
	tmux_start 80 24 "$script"
	tmux_to_choose 30
	tmux_cmd send-keys -t t "127.0.0.1:$(at_port newc)" Enter
	tmux_wait_for "Enter: review the plan" 60
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 6/8: Review"
	ok $? "$SCENARIO: the review opens at 80x24"
	count=$(tmux_screen | grep -Eo 'Batch 1 of [0-9]+' | head -1 | grep -Eo '[0-9]+$')
	tmux_cmd send-keys -t t s
	tmux_wait_for "Save the plan to"
	tmux_cmd send-keys -t t review.sql Enter
	tmux_wait_for "Plan saved to review.sql"
	for b in $(seq 1 "${count:-0}"); do
		[ "$b" -gt 1 ] && tmux_wait_for "Batch $b of $count|Last batch \($b of $count\)" 5
		tmux_settled >"$SCREENS/tmux-$b-0.txt"
		for p in $(seq 1 $REVIEW_MAX_PAGES); do
			tmux_page_down "$SCREENS/tmux-$b-$((p - 1)).txt" "$SCREENS/tmux-$b-$p.txt" || break
		done
		tmux_cmd send-keys -t t n
	done
	tmux_cmd send-keys -t t C-c
	tmux_wait_for "Quit citus-rescue\\? y/n" 5 && tmux_cmd send-keys -t t y
	is "$(tmux_wait_exit 10)" 10 "$SCENARIO: the wizard quits when asked, nothing changed"
	tmux_stop
	ok $([ -n "$count" ] && [ -s "$SCREENS/review.sql" ] && echo 0 || echo 1) "$SCENARIO: ${count:-no} batches, the plan saved"
	batches_read_back "$SCREENS" "${count:-0}" tmux
	rm -rf "$SCREENS"
	rename_w3 127.0.0.1
}
scenario "review read back in a terminal" sc_review_read_back_in_tmux

# --- whole recoveries through the keyboard -----------------------------------------
# wizard_record_kept WORKDIR: the wizard's run.log holds its typed answers
# and the events its screens drew, and the report says who confirmed
wizard_record_kept() {
	local log report
	log=$(cat "$1/run.log" 2>/dev/null)
	like "$log" " in Apply this plan to the cluster\? Type yes: \[typed\] yes\$" "$SCENARIO: run.log keeps the typed confirmation"
	like "$log" " event .*All [0-9]+ steps done" "$SCENARIO: and the events the screens drew"
	report=$("$RESCUE" report "$1" 2>&1)
	like "$report" "confirmed \(yes typed in the wizard\) by login=" "$SCENARIO: the report says who confirmed in the wizard"
	like "$report" "Verify: every check passed" "$SCENARIO: and what verify proved"
}

# walk REST-OF-KEYS: from the first screen to the verify screen
walk() {
	local method=$1 target=$2
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 2/8: Discover" && tmux_wait_for "Enter: compare" 20
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 3/8: Compare"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 4/8: Choose"
	if [ "$method" = promote ]; then
		tmux_cmd send-keys -t t F2
		tmux_wait_for "PROMOTE"
	else
		tmux_cmd send-keys -t t "$target"
	fi
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 5/8: Pre-flight" && tmux_wait_for "Enter: review the plan" 30
	ok $? "$SCENARIO: pre-flight passes on the screen"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 6/8: Review"
	ok $? "$SCENARIO: review shows the batches"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		tmux_screen | grep -q "Last batch" && break
		tmux_cmd send-keys -t t Enter
		sleep 0.2
	done
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Type yes"
	tmux_cmd send-keys -t t yes Enter
}

sc_wizard_new_node() {
	shared_cluster || return
	# recovered, the cluster is no longer what the scenarios above want
	PGC_KIND=recovered
	tmux_start 110 32 "cd $PGC_ROOT && $RESCUE wizard -h 127.0.0.1 -p $(at_port w2) -U postgres"
	tmux_wait_for "Host +127.0.0.1"
	walk new "127.0.0.1:$(at_port newc)"
	tmux_wait_for "Every step done" 60
	ok $? "$SCENARIO: execute runs every step"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "The new coordinator works" 120
	ok $? "$SCENARIO: verify on the screen passes"
	like "$(tmux_screen)" "Work directory: /.*/citus-rescue-[0-9]{8}-[0-9]{6}-" "$SCENARIO: and says where the work directory is, as an absolute path"
	tmux_cmd send-keys -t t q
	is "$(tmux_wait_exit 10)" 0 "$SCENARIO: after a verified recovery q quits at once, with exit 0"
	tmux_stop
	wizard_record_kept "$(ls -dt "$PGC_ROOT"/citus-rescue-* 2>/dev/null | head -1)"
	OUT=$("$RESCUE" verify -h 127.0.0.1 -p "$(at_port newc)" -U postgres 2>&1)
	is "$?" 0 "$SCENARIO: citus-rescue verify agrees"
}
scenario "wizard, new node" sc_wizard_new_node

# The count typed is the count pre-flight found, so a wrong one must not do
sc_wizard_lost_shards() {
	fresh_cluster --local-table || return
	new_node || return
	tmux_start 110 32 "cd $PGC_ROOT && $RESCUE wizard -h 127.0.0.1 -p $(at_port w2) -U postgres"
	tmux_to_choose 20
	tmux_cmd send-keys -t t "127.0.0.1:$(at_port newc)" Enter
	tmux_wait_for "press l to recreate them empty" 30
	ok $? "$SCENARIO: pre-flight is blocked by the lost shard"
	tmux_cmd send-keys -t t l
	tmux_wait_for "Recreate 1 lost shards EMPTY .* Type 1:"
	ok $? "$SCENARIO: l asks to type the count"
	tmux_cmd send-keys -t t 2 Enter
	tmux_wait_for "Not accepted"
	ok $? "$SCENARIO: another number is not an acceptance"
	tmux_cmd send-keys -t t l
	tmux_wait_for "Type 1:"
	tmux_cmd send-keys -t t 1 Enter
	tmux_wait_for "Enter: review the plan" 30
	ok $? "$SCENARIO: the typed count lets the plan go on"
	like "$(tmux_screen)" "warn +lost-shards: .*accepted" "$SCENARIO: the check shows the acceptance"
	if [ "$FIXTURE_TIER" = real ]; then
		tmux_cmd send-keys -t t Enter
		tmux_wait_for "step 6/8: Review"
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
			tmux_screen | grep -q "Last batch" && break
			tmux_cmd send-keys -t t Enter
			sleep 0.2
		done
		tmux_cmd send-keys -t t Enter
		tmux_wait_for "Type yes"
		tmux_cmd send-keys -t t yes Enter
		tmux_wait_for "Every step done" 90
		ok $? "$SCENARIO: execute runs every step"
		tmux_cmd send-keys -t t Enter
		tmux_wait_for "The new coordinator works" 120
		ok $? "$SCENARIO: verify on the screen passes"
		is "$(pgc_sql newc "INSERT INTO app.audit VALUES (1, 'x'); SELECT count(*) FROM app.audit")" 1 \
			"$SCENARIO: the citus local table works again, empty"
	fi
	tmux_stop
}
scenario "wizard, lost shards" sc_wizard_lost_shards

sc_wizard_promote() {
	fresh_cluster || return
	tmux_start 110 32 "cd $PGC_ROOT && NO_COLOR=1 $RESCUE wizard -h 127.0.0.1 -p $(at_port w2) -U postgres"
	tmux_wait_for "Host +127.0.0.1"
	colours=$(tmux_cmd capture-pane -p -e -t t | grep -c $'\e\\[3[0-7]m')
	is "$colours" 0 "$SCENARIO: NO_COLOR: no colour on the screen"
	walk promote
	tmux_wait_for "Every step done" 60
	ok $? "$SCENARIO: execute runs every step"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "The new coordinator works" 120
	ok $? "$SCENARIO: verify on the screen passes"
	tmux_stop
	promoted=$(pgc_sql w1 "SELECT nodeport FROM pg_dist_node WHERE groupid = 0")
	OUT=$("$RESCUE" verify -h 127.0.0.1 -p "$promoted" -U postgres 2>&1)
	is "$?" 0 "$SCENARIO: citus-rescue verify agrees"
}
scenario "wizard, promote" sc_wizard_promote

# --- Ctrl-C during execute ---------------------------------------------------------
sc_wizard_ctrl_c() {
	fresh_cluster || return
	new_node || return
	tmux_start 110 32 "cd $PGC_ROOT && CITUS_RESCUE_TEST_PAUSE=done:1:4000 $RESCUE wizard -h 127.0.0.1 -p $(at_port w2) -U postgres"
	tmux_wait_for "Host +127.0.0.1"
	walk new "127.0.0.1:$(at_port newc)"
	tmux_wait_for "\\[1/[0-9]+\\].*done" 30
	tmux_cmd send-keys -t t q
	tmux_wait_for "The plan is running: Ctrl-C stops it" 3
	ok $? "$SCENARIO: q does not quit under a running plan, and says how to stop it"
	tmux_cmd send-keys -t t C-c
	tmux_wait_for "Stop after the step under way\\? Type yes"
	ok $? "$SCENARIO: Ctrl-C asks before cancelling"
	tmux_cmd send-keys -t t yes Enter
	tmux_wait_for "Stopped after a partial change" 30
	ok $? "$SCENARIO: it stops between steps, with a resumable work directory"
	is "$(pgc_sql newc "SELECT count(*) FROM pg_prepared_xacts")" 0 "$SCENARIO: nothing half-applied is left"
	tmux_cmd send-keys -t t q
	tmux_wait_for "Quit citus-rescue\\? y/n" 5
	ok $? "$SCENARIO: q after the stop asks, for one key"
	tmux_cmd send-keys -t t n
	sleep 0.3
	unlike "$(tmux_screen)" "Quit citus-rescue" "$SCENARIO: n stays"
	tmux_cmd send-keys -t t r
	tmux_wait_for "Every step done" 60
	ok $? "$SCENARIO: r resumes and finishes"
	tmux_stop
}
scenario "wizard, Ctrl-C" sc_wizard_ctrl_c

# --- the terminal lost during execute ----------------------------------------------
sc_wizard_lost_terminal() {
	fresh_cluster || return
	new_node || return
	# the terminal's shell dies of the hang-up and passes it on to the wizard;
	# a shell of the wizard's own outlives it to record its exit status
	tmux_start 110 32 "sh -c 'trap : HUP; cd $PGC_ROOT && CITUS_RESCUE_TEST_PAUSE=done:1:30000 $RESCUE wizard -h 127.0.0.1 -p $(at_port w2) -U postgres; echo \$? >$PGC_ROOT/tmux-status'"
	tmux_wait_for "Host +127.0.0.1"
	walk new "127.0.0.1:$(at_port newc)"
	tmux_wait_for "\\[1/[0-9]+\\].*done" 30
	ok $? "$SCENARIO: the first step is done"
	tmux_cmd kill-server
	TMUX_SOCKET=
	# the hang-up stops the run after the step under way, then the wizard goes
	i=0
	while pgrep -f "wizard -h 127.0.0.1 -p $(at_port w2)" >/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ok $(pgrep -f "wizard -h 127.0.0.1 -p $(at_port w2)" >/dev/null && echo 1 || echo 0) "$SCENARIO: the wizard ends on the hang-up"
	is "$(tmux_wait_exit 10)" 11 "$SCENARIO: with exit 11: stopped after a partial change"
	workdir=$(ls -d "$PGC_ROOT"/citus-rescue-* 2>/dev/null | head -1)
	like "$(cut -f5,6 "$workdir/journal.log")" "stopped on SIGHUP before step 2" "$SCENARIO: after the step under way, journaled"
	is "$(pgc_sql w1 "SELECT count(*) FROM pg_prepared_xacts")$(pgc_sql newc "SELECT count(*) FROM pg_prepared_xacts")" 00 \
		"$SCENARIO: nothing left prepared"
	ok $([ -s "$workdir/journal.log" ] && [ -s "$workdir/plan.sql" ] && echo 0 || echo 1) "$SCENARIO: the work directory holds the plan and the journal"
	OUT=$("$RESCUE" apply "$workdir/plan.sql" --workdir "$workdir" --yes 2>&1)
	CODE=$?
	expect_code 0 "$SCENARIO: citus-rescue apply resumes from it and finishes"
	like "$OUT" "\\[1/[0-9]+\\].*already done" "$SCENARIO: without running the first step again"
	OUT=$("$RESCUE" verify -h 127.0.0.1 -p "$(at_port newc)" -U postgres 2>&1)
	CODE=$?
	expect_code 0 "$SCENARIO: verify passes"
}
scenario "wizard, lost terminal" sc_wizard_lost_terminal

# --- a terminal gone without a hang-up ------------------------------------------
# The wizard is not its terminal's session leader, so closing the terminal
# sends no SIGHUP: every read fails at once.  It must leave, not spin.
sc_terminal_gone_without_hangup() {
	local out
	command -v python3 >/dev/null || { diag "python3 missing: a terminal without SIGHUP is not tried"; return; }
	out=$(python3 - "$RESCUE" "$(pgc_free_port)" <<'PY'
import os, pty, subprocess, sys, time
master, slave = pty.openpty()
wizard = subprocess.Popen([sys.argv[1], "wizard", "-h", "127.0.0.1", "-p", sys.argv[2]],
                          stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                          env=dict(os.environ, TERM="xterm", LINES="24", COLUMNS="80"))
os.close(slave)
time.sleep(1.0)
os.read(master, 65536)
os.close(master)
try:
    print("exit %d" % wizard.wait(timeout=10))
except subprocess.TimeoutExpired:
    print("still running")
    wizard.kill()
PY
)
	is "$out" "exit 10" "$SCENARIO: it leaves at once, nothing changed (exit 10)"
}
scenario "terminal gone without a hang-up" sc_terminal_gone_without_hangup

pgc_cleanup
