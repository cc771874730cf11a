# The hostile-name corpus, through discover, plan, apply, verify and the
# wizard, on the stand-in and on real Citus alike.  Node names, a schema, a
# table, a column, a sequence and a prepared transaction's GID hold quotes,
# backslashes, $body$, tabs, newlines, semicolons, ESC sequences, C1 and
# bidi controls, and multibyte characters; one table name is 63 bytes.
# Each must round-trip through the plan file, reach the servers quoted, and
# print inert.  Sourced after FIXTURE_TIER is set.
#
# Node names with commas are left out: libpq reads a comma in a host as a
# list of hosts, so Citus itself cannot reach such a node.

. "$top_srcdir/tests/lib/rescue.sh"
. "$top_srcdir/tests/lib/hard-shapes.sh"

# The servers resolve names no resolver knows to 127.0.0.1, as a hosts
# file would (tests/lib/loopback-names.c); the tool reaches them by --map.
PGC_LOOPBACK_NAMES=1

HOSTILE_NODE=(
	$'w\'1"$body$;\t\\x\n\e]2;owned\a\e[2J'
	$'w2 \xc2\x9b31m\xe2\x80\xaeevil\xe2\x81\xa6[x]:1\xe2\x81\xa9 \xc3\xbc'
	"$(printf '\xc3\xb1%.0s' {1..31})x"
)
HOSTILE_SCHEMA=$'s\'"$body$;\t\n\e[31m\xc2\x85\xe2\x80\xae'
HOSTILE_TABLE="$(printf 't"'"'"';\\')$(printf '\xc3\xbc%.0s' {1..29})"
HOSTILE_COLUMN=$'i"d;\\\t\n'
HOSTILE_SEQUENCE=$'q\'"$body$\n\e]0;x\a'
# A serial column whose name once forged a row of the serial-column list
# (framing_serial_forged_row): the plan then reset app.orders_id_seq to 1.
FORGED_COLUMN=$'x\napp.zzz\ta\tapp.orders_id_seq\tinteger\t'
# Catalog columns that once ran a program through the backup's COPY and
# broke the probe's parsing (backup_copy_column_quoting); the stand-in
# catalogs take them, real Citus's are left alone.
PWN_COLUMN="x) TO PROGRAM 'touch pwned'--"
SEMICOLON_COLUMN="a;b,c"
HOSTILE_GID=$'citus_0_1_2_3\'";\t\\\n\e]0;x\a\xe2\x80\xae'

# --map NAME:PORT=127.0.0.1:PORT for each renamed worker, as an operator
# whose console cannot resolve the names would give them
maps() {
	local i=0 w port name
	for w in w1 w2 w3; do
		port=$(pgc_port "$w")
		name=${HOSTILE_NODE[$i]}
		if [[ $name == *:* || $name == \[* ]]; then
			MAPS+=(--map "[$name]:$port=127.0.0.1:$port")
		else
			MAPS+=(--map "$name:$port=127.0.0.1:$port")
		fi
		i=$((i + 1))
	done
}

# inert TEXT DESCRIPTION: no byte that a terminal would obey
inert() {
	local text=$1; shift
	if printf '%s' "$text" | LC_ALL=C grep -aqP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xef\xbb\xbf'; then
		ok 1 "$*"
		printf '%s' "$text" | LC_ALL=C grep -anP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]' |
			head -5 | cat -v | sed 's/^/#   /'
	else
		ok 0 "$*"
	fi
}

run() {
	OUT=$(rescue "$@" 2>&1)
	CODE=$?
}

# report_is_safe WORKDIR: the report of a hostile recovery is inert, and no
# name breaks out of its table cell (every row has its header's cells)
report_is_safe() {
	local report
	report=$(rescue report "$1" 2>&1)
	ok $? "report: the report of the hostile recovery is written"
	inert "$report" "report: it is inert"
	is "$(awk '/^\|/ { line = $0; gsub(/\\\\/, "", line); gsub(/\\\|/, "", line); n = gsub(/\|/, "|", line)
		if (!inside) { cells = n; inside = 1 } else if (n != cells) bad++; next } { inside = 0 } END { print bad + 0 }' <<<"$report")" 0 \
		"report: no hostile name adds or removes a table cell"
}

odd_catalog_columns() {
	local n
	for n in "$@"; do
		pgc_psql "$n" -v pwn="$PWN_COLUMN" -v semi="$SEMICOLON_COLUMN" >/dev/null <<'SQL'
ALTER TABLE pg_catalog.pg_dist_colocation ADD COLUMN :"pwn" text, ADD COLUMN :"semi" text;
SQL
	done
}

# every node's catalogs and id sequences, to compare after restore.sh
catalogs_digest() {
	pgc_sql "$1" "SELECT md5(concat_ws('|',
	    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pg_catalog.pg_dist_node t),
	    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pg_catalog.pg_dist_placement t),
	    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pg_catalog.pg_dist_shard t),
	    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pg_catalog.pg_dist_partition t),
	    (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM pg_catalog.pg_dist_colocation t),
	    (SELECT groupid FROM pg_catalog.pg_dist_local_group)))"
}

# The scenarios share one cluster, built once, and go through a recovery
# in order: the corpus in a cluster whose coordinator is gone, then planned,
# then applied.  A scenario picked alone by SCENARIO_FILTER gets there
# first: hostile_corpus, hostile_planned and hostile_applied each do what
# the cluster still lacks.
HOSTILE_PLANNED=no
HOSTILE_APPLIED=no

hostile_corpus() {
	local i w port n
	[ "$PGC_KIND" = hostile ] && return 0
	pgc_cleanup
	HOSTILE_PLANNED=no
	HOSTILE_APPLIED=no
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create || setup_failed "could not build the $FIXTURE_TIER fixture" || return

	# --- the corpus goes into the cluster ------------------------------------------
	i=0
	for w in w1 w2 w3; do
		port=$(pgc_port "$w")
		if [ "$FIXTURE_TIER" = real ]; then
			pgc_psql coord -v name="${HOSTILE_NODE[$i]}" -v port="$port" >/dev/null <<'SQL' || setup_failed "could not rename $w" || return
SELECT pg_catalog.citus_update_node(nodeid, :'name', nodeport)
  FROM pg_catalog.pg_dist_node WHERE nodeport = :port;
SQL
		else
			for n in coord w1 w2 w3; do
				pgc_psql "$n" -v name="${HOSTILE_NODE[$i]}" -v port="$port" >/dev/null <<'SQL'
UPDATE pg_catalog.pg_dist_node SET nodename = :'name' WHERE nodeport = :port;
SQL
			done
		fi
		i=$((i + 1))
	done
	if [ "$FIXTURE_TIER" = real ]; then
		# citus_update_node leaves the workers to be synced in the background
		pgc_sql coord "SELECT pg_catalog.start_metadata_sync_to_all_nodes()" >/dev/null ||
			setup_failed "could not sync the renamed nodes" || return
	fi
	pgc_psql coord -v s="$HOSTILE_SCHEMA" -v t="$HOSTILE_TABLE" -v c="$HOSTILE_COLUMN" -v q="$HOSTILE_SEQUENCE" -v f="$FORGED_COLUMN" >/dev/null <<'SQL' || setup_failed "could not create the hostile table" || return
\set ON_ERROR_STOP on
CREATE SCHEMA :"s";
CREATE SEQUENCE :"s".:"q" AS integer;
CREATE SEQUENCE :"s".forged_seq AS integer;
CREATE TABLE :"s".:"t" (tenant int NOT NULL, :"c" int NOT NULL, :"f" int NOT NULL, note text);
SELECT format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT pg_catalog.nextval(%L::regclass)',
              :'s', :'t', :'c', format('%I.%I', :'s', :'q')) \gexec
SELECT format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT pg_catalog.nextval(%L::regclass)',
              :'s', :'t', :'f', format('%I.forged_seq', :'s')) \gexec
SELECT pg_catalog.create_distributed_table(format('%I.%I', :'s', :'t'), 'tenant');
INSERT INTO :"s".:"t" (tenant, note) SELECT g % 10, 'row ' || g FROM generate_series(1, 50) g;
SQL
	ok $? "the hostile schema, table, column and sequence are created and distributed"
	pgc_psql w2 -v g="$HOSTILE_GID" >/dev/null <<'SQL'
BEGIN;
SELECT 1;
PREPARE TRANSACTION :'g';
SQL
	ok $? "a prepared transaction with a hostile GID waits on a worker"
	if [ "$FIXTURE_TIER" = standin ]; then
		odd_catalog_columns coord w1 w2 w3
	else
		echo "# real Citus's catalogs are not given extra columns: backup_copy_column_quoting runs on the stand-in"
	fi
	names_before=$(pgc_sql w2 "SELECT md5(string_agg(nodename, '|' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node WHERE groupid > 0")
	pgc_destroy coord
	fixture_new_node newc || setup_failed "could not start a new node" || return
	# the same Citus version has the same catalogs on the new node
	[ "$FIXTURE_TIER" = standin ] && odd_catalog_columns newc
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
	MAPS=()
	maps
	declare -gA DIGEST_BEFORE=()
	for n in w1 w2 w3 newc; do
		DIGEST_BEFORE[$n]=$(catalogs_digest "$n")
	done
	PGC_KIND=hostile
}

plan_command() {
	run plan $(at w2) "${MAPS[@]}" --new-coordinator "127.0.0.1:$(pgc_port newc)" \
		--prepared "$HOSTILE_GID=rollback" -o "$WORK/plan.sql"
}

hostile_planned() {
	hostile_corpus || return
	[ "$HOSTILE_PLANNED" = yes ] && return 0
	plan_command
	[ "$CODE" = 0 ] || setup_failed "plan exited $CODE: $(printf '%s' "$OUT" | tail -5)" || return
	HOSTILE_PLANNED=yes
}

apply_command() {
	run apply "$WORK/plan.sql" --workdir "$WORK/run" --yes
}

hostile_applied() {
	hostile_planned || return
	[ "$HOSTILE_APPLIED" = yes ] && return 0
	apply_command
	[ "$CODE" = 0 ] || setup_failed "apply exited $CODE: $(printf '%s' "$OUT" | tail -5)" || return
	HOSTILE_APPLIED=yes
}

scenario "corpus" hostile_corpus

# --- discover -------------------------------------------------------------------
sc_discover() {
	hostile_corpus || return
	run discover $(at w2) "${MAPS[@]}"
	expect_code 0 "discover: every renamed worker is reached through --map and agrees"
	inert "$OUT" "discover: the text report prints every hostile name inert"
	OUT=$(rescue discover $(at w2) "${MAPS[@]}" --json 2>/dev/null)
	inert "$OUT" "discover --json: the JSON is inert too (\\u escapes)"
	is "$(printf '%s' "$OUT" | jq -r '[.nodes[] | select(.groupid > 0) | .nodename] | join("|")' | md5sum | cut -c1-32)" \
		"$(printf '%s\n' "${HOSTILE_NODE[0]}|${HOSTILE_NODE[1]}|${HOSTILE_NODE[2]}" | md5sum | cut -c1-32)" \
		"discover --json: the node names come back byte for byte"
	is "$(printf '%s' "$OUT" | jq -r '.nodes[] | select(.connect_port == '"$(pgc_port w2)"') | .prepared_transactions[0].gid' 2>/dev/null | head -c -1 | md5sum | cut -c1-32)" \
		"$(printf '%s' "$HOSTILE_GID" | md5sum | cut -c1-32)" \
		"discover --json: the hostile GID is one transaction, byte for byte"
}
scenario "discover" sc_discover

# --- plan -----------------------------------------------------------------------
sc_plan() {
	hostile_corpus || return
	plan_command
	expect_code 0 "plan: pre-flight passes with the hostile GID decided"
	[ "$CODE" = 0 ] && HOSTILE_PLANNED=yes
	inert "$OUT" "plan: its output is inert"
	inert "$(cat "$WORK/plan.sql")" "plan: the plan file is inert for a reviewer's terminal"
	like "$(cat "$WORK/plan.sql")" "ROLLBACK PREPARED E'citus_0_1_2_3''\";\\\\t" "plan: the GID reaches the SQL as an escaped literal"
	is "$(grep -c '^ALTER TABLE .* SET DEFAULT pg_catalog.nextval' "$WORK/plan.sql")" 3 \
		"framing_serial_forged_row: the serial repair has the three int serial columns, and no forged one"
	unlike "$(cat "$WORK/plan.sql")" 'ALTER TABLE "?app"?\."?zzz' "framing_serial_forged_row: no table named by a column's text"
	is "$(grep -c "setval('app.orders_id_seq'" "$WORK/plan.sql")" 1 "framing_serial_forged_row: app.orders_id_seq is set once, from its own column"
}
scenario "plan" sc_plan

# a stale plan names the hostile nodes in its refusal
sc_stale_plan_names_inert() {
	hostile_planned || return
	pgc_sql w3 "UPDATE pg_catalog.pg_dist_node SET noderack = 'moved' WHERE groupid = 1" >/dev/null
	run apply "$WORK/plan.sql" --workdir "$WORK/stale" --yes
	expect_code 10 "stale_plan_names_inert: apply refuses a plan the cluster moved away from"
	like "$OUT" "the plan is stale" "stale_plan_names_inert: and says the plan is stale"
	inert "$OUT" "stale_plan_names_inert: its message prints the hostile names inert"
	pgc_sql w3 "UPDATE pg_catalog.pg_dist_node SET noderack = 'default' WHERE groupid = 1" >/dev/null
}
scenario "stale_plan_names_inert" sc_stale_plan_names_inert

# --- apply ----------------------------------------------------------------------
sc_apply() {
	hostile_planned || return
	apply_command
	expect_code 0 "apply: the plan file parses back and every step runs"
	[ "$CODE" = 0 ] && HOSTILE_APPLIED=yes
	inert "$OUT" "apply: its output is inert"
	inert "$(cat "$WORK/run/journal.log")" "apply: the journal is inert"
	inert "$(cat "$WORK/run/run.log")" "apply: run.log is inert"
	report_is_safe "$WORK/run"
	is "$(find "$WORK/run/backup" -mindepth 1 -maxdepth 1 -type d | wc -l)" 4 "apply: a backup directory per node, none shared"
	is "$(pgc_sql w2 "SELECT count(*) FROM pg_catalog.pg_prepared_xacts")" 0 "apply: the hostile-GID transaction was rolled back"
	if [ "$FIXTURE_TIER" = standin ]; then
		is "$(find "$PGC_ROOT" -name pwned 2>/dev/null | wc -l)" 0 "backup_copy_column_quoting: no program ran on any server"
		like "$(cat "$WORK"/run/backup/*/restore.sql)" "\"x\) TO PROGRAM 'touch pwned'--\", \"a;b,c\"" \
			"backup_copy_column_quoting: the backup names the odd catalog columns quoted"
	fi
	is "$(pgc_sql newc "SELECT md5(string_agg(nodename, '|' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node WHERE groupid > 0")" \
		"$(pgc_sql w2 "SELECT md5(string_agg(nodename, '|' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node WHERE groupid > 0")" \
		"apply: the new coordinator holds the workers' names byte for byte"
	is "$(pgc_sql w2 "SELECT md5(string_agg(nodename, '|' ORDER BY nodeid)) FROM pg_catalog.pg_dist_node WHERE groupid > 0")" \
		"$names_before" "apply: the workers' names are what they were"
}
scenario "apply" sc_apply

# --- verify, and the hostile table through the new coordinator -------------------
sc_verify() {
	hostile_applied || return
	run verify $(at newc) "${MAPS[@]}" --move-shard
	expect_code 0 "verify: the new coordinator works, shard move included"
	inert "$OUT" "verify: its output is inert"
	pgc_psql newc -v s="$HOSTILE_SCHEMA" -v t="$HOSTILE_TABLE" >/dev/null <<'SQL'
\set ON_ERROR_STOP on
INSERT INTO :"s".:"t" (tenant, note) VALUES (3, 'after');
SQL
	ok $? "the hostile table takes an insert through the new coordinator"
	is "$(pgc_psql newc -v s="$HOSTILE_SCHEMA" -v t="$HOSTILE_TABLE" -v c="$HOSTILE_COLUMN" <<'SQL'
SELECT count(*) - count(DISTINCT :"c") FROM :"s".:"t";
SQL
)" 0 "its serial column handed out no id twice"
}
scenario "verify" sc_verify

# --- the wizard -------------------------------------------------------------------
sc_wizard() {
	local s
	hostile_applied || return
	SCREENS=$(mktemp -d)
	printf '%s\n' "key ENTER" "wait 30" "dump discover" "key ENTER" "dump compare" "key ]" "dump compare-next" \
		"key v" "dump matrix" "key v" "dump catalogs" "key CTRL-C" "text yes" "key ENTER" >"$SCREENS/keys"
	LINES=24 COLUMNS=80 TERM=xterm CITUS_RESCUE_KEYS="$SCREENS/keys" CITUS_RESCUE_SCREENS="$SCREENS" \
		${CITUS_RESCUE_WRAPPER:-} "$RESCUE" wizard $(at w2) >/dev/null 2>&1
	for s in discover compare compare-next matrix catalogs; do
		ok $([ -s "$SCREENS/$s.txt" ] && echo 0 || echo 1) "wizard: the $s screen was drawn"
		inert "$(cat "$SCREENS/$s.txt" 2>/dev/null)" "wizard: the $s screen is inert"
	done
	rm -rf "$SCREENS"
}
scenario "wizard" sc_wizard

# --- restore.sh puts every node's catalogs back, hostile names and all ---------
sc_restore_sh() {
	local n same
	hostile_applied || return
	OUT=$("$WORK/run/restore.sh" 2>&1)
	CODE=$?
	expect_code 0 "restore.sh: runs every node's restore.sql"
	same=0
	for n in w1 w2 w3 newc; do
		[ "$(catalogs_digest "$n")" = "${DIGEST_BEFORE[$n]}" ] || { same=1; echo "# $n differs after restore.sh"; }
	done
	ok $same "restore.sh: every node's catalogs and local group are as they were before the recovery"
}
scenario "restore.sh" sc_restore_sh

# --- the harder shapes: a lost shard and an orphan shard table, hostile names ---
# real Citus alone makes them.  The hostile table's name is 63 bytes, so
# Citus names its shards with a hash of it (AppendShardIdToName): the
# half-copied shard a move cut off leaves is named so too.
HOSTILE_LOCAL=$'l\'"$body$; \\\n\e[31m\xe2\x80\xaex'

# TABLE ROWS: relations of the hostile schema named as shards that no
# placement on the node refers to, then the move's slots, publications,
# subscriptions and roles, as "tables/slots/publications/subscriptions/roles"
hostile_leftovers_on() {
	pgc_psql "$1" -v s="$HOSTILE_SCHEMA" <<'SQL'
SET citus.override_table_visibility = off;
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = :'s' AND c.relkind = 'r' AND c.relname ~ '_[0-9]+$'
           AND NOT EXISTS (SELECT 1 FROM pg_dist_placement p
                            WHERE p.shardid = substring(c.relname FROM '_([0-9]+)$')::bigint
                              AND p.groupid = (SELECT groupid FROM pg_dist_local_group)))
       || '/' || (SELECT count(*) FROM pg_replication_slots) || '/' || (SELECT count(*) FROM pg_publication)
       || '/' || (SELECT count(*) FROM pg_subscription)
       || '/' || (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'citus\_shard\_%');
SQL
}

hostile_all_leftovers() {
	local name out=""
	for name in w1 w2 w3; do
		out="$out $name:$(hostile_leftovers_on "$name")"
	done
	echo "${out# }"
}

# psql on NODE with the hostile names as :s, :t and :l
hostile_psql() {
	local node=$1; shift
	pgc_psql "$node" -v s="$HOSTILE_SCHEMA" -v t="$HOSTILE_TABLE" -v l="$HOSTILE_LOCAL" "$@"
}

# The coordinator holds one of the hostile table's two shards and the
# hostile citus local table; it dies moving the other shard.
hostile_hard_setup() {
	local shard
	pgc_cleanup
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create --coordinator-shards || setup_failed "could not build the real fixture" || return
	# the hostile table's two shards go to the coordinator and w1
	hostile_psql coord -v p2="$(pgc_port w2)" -v p3="$(pgc_port w3)" >/dev/null <<'SQL' || setup_failed "could not create the hostile tables" || return
\set ON_ERROR_STOP on
SELECT citus_set_node_property('127.0.0.1', :p2, 'shouldhaveshards', false);
SELECT citus_set_node_property('127.0.0.1', :p3, 'shouldhaveshards', false);
CREATE SCHEMA :"s";
CREATE TABLE :"s".:"t" (k int, v text);
SELECT pg_catalog.create_distributed_table(format('%I.%I', :'s', :'t'), 'k', shard_count := 2, colocate_with := 'none');
SELECT citus_set_node_property('127.0.0.1', :p2, 'shouldhaveshards', true);
SELECT citus_set_node_property('127.0.0.1', :p3, 'shouldhaveshards', true);
INSERT INTO :"s".:"t" SELECT g % 1000, repeat('x', 200) FROM generate_series(1, 500000) g;
CREATE TABLE :"s".:"l" (id int PRIMARY KEY, note text);
SELECT pg_catalog.citus_add_local_table_to_metadata(format('%I.%I', :'s', :'l'));
INSERT INTO :"s".:"l" VALUES (1, 'lost');
SQL
	shard=$(hostile_psql coord <<<"SELECT s.shardid FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
	                               WHERE s.logicalrelid = format('%I.%I', :'s', :'t')::regclass AND p.groupid > 0")
	HARD_LOST=$(hostile_psql coord <<<"SELECT count(*) FROM pg_dist_shard s
	              WHERE s.logicalrelid IN (format('%I.%I', :'s', :'t')::regclass, format('%I.%I', :'s', :'l')::regclass)
	                AND NOT EXISTS (SELECT 1 FROM pg_dist_placement p WHERE p.shardid = s.shardid AND p.groupid > 0)")
	[ "$HARD_LOST" = 2 ] && [ -n "$shard" ] || setup_failed "the coordinator holds $HARD_LOST hostile shards, not 2" || return
	HARD_ROWS=$(hostile_psql coord <<<"SELECT count(*) FROM :\"s\".:\"t\"
	              WHERE get_shard_id_for_distribution_column(format('%I.%I', :'s', :'t'), k) = $shard")
	move_cut_off "$shard" || setup_failed "the move made no replication slot" || return
	[ "$(hostile_all_leftovers)" != "w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0" ] ||
		setup_failed "the move ended before the coordinator died: nothing left behind" || return
	fixture_new_node newc || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work
	mkdir -p "$WORK"
}

sc_hostile_hard_shapes() {
	hostile_hard_setup || return
	like "$(rescue discover $(at w2) --json 2>/dev/null | jq -r '[.nodes[].leftovers[] | .kind] | unique | join(",")')" \
		"shard_table" "hard shapes: discover finds the hash-named half copy"
	run recover $(at w2) --new-coordinator "127.0.0.1:$(pgc_port newc)" --accept-lost-shards --workdir "$WORK/hard" --yes
	expect_code 0 "hard shapes: recover recreates the lost shards and drops the leftovers"
	inert "$OUT" "hard shapes: recover's output is inert"
	inert "$(cat "$WORK/hard/plan.sql")" "hard shapes: the plan file is inert"
	inert "$(cat "$WORK/hard/journal.log")" "hard shapes: the journal is inert"
	run verify $(at newc) --move-shard
	expect_code 0 "hard shapes: verify passes, shard move included"
	inert "$OUT" "hard shapes: verify's output is inert"
	is "$(hostile_all_leftovers)" "w1:0/0/0/0/0 w2:0/0/0/0/0 w3:0/0/0/0/0" "hard shapes: no leftover on any node"
	is "$(hostile_psql newc <<<"SELECT count(*) FROM :\"s\".:\"t\"")/$(hostile_psql newc <<<"SELECT count(*) FROM :\"s\".:\"l\"")" \
		"$HARD_ROWS/0" "hard shapes: the surviving shard's rows are there; the lost citus local table is there, empty"
	hostile_psql newc >/dev/null <<<"INSERT INTO :\"s\".:\"t\" SELECT g, 'after' FROM generate_series(1, 100) g;
	                                  INSERT INTO :\"s\".:\"l\" VALUES (2, 'after')"
	ok $? "hard shapes: the recreated shards take rows"
}
if [ "$FIXTURE_TIER" = real ]; then
	scenario "hard shapes" sc_hostile_hard_shapes
fi

pgc_cleanup
done_testing
