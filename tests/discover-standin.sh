#!/bin/bash
# discover on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/discover-scenarios.sh"
. "$top_srcdir/tests/lib/headless.sh"

# --- older catalog layouts ---------------------------------------------------
sc_older_catalog_layouts() {
	fresh_cluster layout-12.1 --layout 12.1 || return
	pgc_destroy coord
	run_json $(from w1)
	expect_code 0 "a 12.1 layout (no nodeisclone) is read by column name"
	jq_is '[.nodes[] | select(.reachable) | .citus_version] | unique | join(",")' 12.1.5 "its version is read"
	# one node on the newer layout: the columns all have in common are compared
	pgc_psql w3 >/dev/null <<'SQL'
SET allow_system_table_mods = on;
ALTER TABLE pg_catalog.pg_dist_node ADD COLUMN nodeisclone bool NOT NULL DEFAULT false,
                                    ADD COLUMN nodeprimarynodeid int4 NOT NULL DEFAULT 0;
SQL
	run_json $(from w1)
	expect_code 0 "mixed layouts compare on their common columns"
	jq_is '.catalogs[0].columns | index("nodeisclone") != null' false "the column one node lacks is left out"
	# from that node, whose columns the others lack: its digests over them
	# fail elsewhere, and are read again over the common ones
	run_json $(from w3)
	expect_code 0 "from the node with more columns too"
	jq_is '.catalogs[0].columns | index("nodeisclone") != null' false "the column the others lack is left out there too"
	jq_is '[.nodes[] | select(.reachable) | .error // empty] | length' 0 "and no node reports the first try's error"
}
scenario "older catalog layouts" sc_older_catalog_layouts

# --- versions the tool does not support, or was never tested on ---------------
# plan_promote FIRST TARGET: a plan promoting TARGET, its checks in OUT
plan_promote() {
	OUT=$(rescue plan -U postgres --timeout 5 $(from "$1") --promote "127.0.0.1:$(pgc_port "$2")" \
		-o "$PGC_ROOT/plan-$RANDOM.sql" 2>&1)
	CODE=$?
}

sc_supported_version() {
	main_cluster gone || return
	run_discover $(from w1)
	like "$(printf '%s\n' "$OUT" | head -1)" "^Discovered " "a tested Citus: the report starts as ever"
	unlike "$OUT" "VERSION" "and says nothing of versions"
	run_json $(from w1)
	jq_is '.version_support' supported "its JSON says supported"
	jq_is '.version_statement' null "with no statement"
	jq_is '[.nodes[] | select(.reachable) | .version_support] | unique | join(",")' supported "on every node"
	jq_is '[.nodes[] | select(.reachable | not) | .version_support] | unique | join(",")' "" \
		"and no verdict on the node that did not answer"
	plan_promote w1 w2
	expect_code 0 "the plan passes"
	unlike "$OUT" "supported-version" "without a version check line"
}
scenario "supported version" sc_supported_version

sc_unsupported_version() {
	FIXTURE_CITUS_VERSION=10.2.9 fresh_cluster citus-10.2 || return
	pgc_destroy coord
	run_discover $(from w1)
	expect_code 0 "an unsupported Citus is still discovered"
	like "$(printf '%s\n' "$OUT" | head -1)" \
		"^UNSUPPORTED VERSION: Citus 10\\.2\\.9 on PostgreSQL [0-9]+\\.[0-9]+ \\(127\\.0\\.0\\.1:[0-9]+, 127\\.0\\.0\\.1:[0-9]+, 127\\.0\\.0\\.1:[0-9]+\\)\\. citus-rescue supports Citus 11\\.0 and later" \
		"the first line names the version, every node running it, and what is supported"
	run_json $(from w1)
	jq_is '.version_support' unsupported "its JSON says unsupported"
	jq_is '.version_statement | test("^UNSUPPORTED VERSION: Citus 10.2.9 ")' true "with the same statement"
	jq_is '[.nodes[] | select(.reachable) | .version_support] | unique | join(",")' unsupported "on every node"
	jq_is '[.nodes[] | select(.reachable) | .citus_extension_version] | unique | join(",")' 10.2-1 \
		"the stand-in reports the extension version that goes with it"
	LINES=24 COLUMNS=80 headless "key ENTER
wait 20
dump discover" $(from w1) -U postgres --timeout 5
	screen_has "$SCREENS/discover.txt" "step 2/8: Discover" "the wizard reaches its Discover screen"
	local version_line nodes_line
	version_line=$(grep -n -m1 'UNSUPPORTED VERSION: Citus 10\.2\.9 on PostgreSQL' "$SCREENS/discover.txt" | cut -d: -f1)
	nodes_line=$(grep -n -m1 'NODEID' "$SCREENS/discover.txt" | cut -d: -f1)
	ok $([ -n "$version_line" ] && [ -n "$nodes_line" ] && [ "$version_line" -lt "$nodes_line" ]; echo $?) \
		"which names the version above the nodes"
	screen_has "$SCREENS/discover.txt" "^.?127\\.0\\.0\\.1:[0-9]+, 127\\.0\\.0\\.1:[0-9]+\\)\\. citus-rescue supports Citus 11\\.0" \
		"wrapped to fit 80 columns"
	rm -rf "$SCREENS"
	plan_promote w1 w2
	expect_code 10 "plan refuses it"
	like "$OUT" "FAIL  supported-version: UNSUPPORTED VERSION: Citus 10\\.2\\.9" "through the supported-version check"
	like "$OUT" "fix: Restore the coordinator from a backup instead" "saying what to do instead"
}
scenario "unsupported version" sc_unsupported_version

sc_untested_version() {
	FIXTURE_CITUS_VERSION=14.0.1 fresh_cluster citus-14.0 || return
	pgc_destroy coord
	pgc_sql w3 "CREATE OR REPLACE FUNCTION pg_catalog.citus_version() RETURNS text LANGUAGE sql AS
	            \$\$ SELECT 'Citus 13.2.2 on x86_64-pc-linux-gnu, compiled by the citus-rescue stand-in, 64-bit'::text \$\$" \
		>/dev/null || setup_failed "could not give w3 another version" || return
	pgc_sql w3 "UPDATE pg_catalog.pg_extension SET extversion = '13.2-1' WHERE extname = 'citus'" >/dev/null
	run_discover $(from w1)
	like "$(printf '%s\n' "$OUT" | head -1)" \
		"^UNTESTED VERSION: Citus 14\\.0\\.1 on PostgreSQL [0-9.]+ \\(127\\.0\\.0\\.1:$(pgc_port w1), 127\\.0\\.0\\.1:$(pgc_port w2)\\)\\. citus-rescue was tested on Citus 11\\.3, 12\\.1 and 13\\.2" \
		"the first line names the untested version and only the nodes that run it"
	run_json $(from w1)
	jq_is '.version_support' untested "its JSON says untested"
	jq_is "[.nodes[] | select(.connect_port == $(pgc_port w3)) | .version_support] | join(\",\")" supported \
		"the node on a tested Citus is supported"
	pgc_sql w3 "UPDATE pg_catalog.pg_extension SET extversion = '14.0-1' WHERE extname = 'citus'" >/dev/null
	pgc_sql w3 "CREATE OR REPLACE FUNCTION pg_catalog.citus_version() RETURNS text LANGUAGE sql AS
	            \$\$ SELECT 'Citus 14.0.1 on x86_64-pc-linux-gnu, compiled by the citus-rescue stand-in, 64-bit'::text \$\$" \
		>/dev/null
	plan_promote w1 w2
	expect_code 0 "an untested Citus only warns: the plan is written"
	like "$OUT" "warn  supported-version: UNTESTED VERSION: Citus 14\\.0\\.1" "through the supported-version check"
}
scenario "untested version" sc_untested_version

pgc_cleanup
done_testing
