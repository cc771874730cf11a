#!/bin/bash
# discover on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/discover-scenarios.sh"

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

pgc_cleanup
done_testing
