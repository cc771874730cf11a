#!/bin/bash
# plan, apply, verify and recover on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
if ! pgc_have_citus; then
	echo "1..0 # SKIP the citus extension is not installed for this PostgreSQL; the real-Citus tier did not run"
	exit 0
fi
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/recovery-scenarios.sh"

# The stand-in has no control file: only real Citus can be created.
sc_new_node_without_the_extension() {
	fresh_cluster || return
	CHECKSUM_BEFORE=$(checksum w2)
	pgc_destroy coord
	pgc_start newc citus || setup_failed "could not start a new node" || return
	WORK=$PGC_ROOT/work; mkdir -p "$WORK"
	run plan $(at w2) --new-coordinator "$(addr newc)" -o "$WORK/plan.sql"
	expect_code 10 "$SCENARIO: pre-flight fails without citus on the new node"
	like "$OUT" "FAIL  new-node-citus" "$SCENARIO: and says so"
	run recover $(at w2) --new-coordinator "$(addr newc)" --create-extension --workdir "$WORK/run" --yes
	expect_code 0 "$SCENARIO: --create-extension creates it and the recovery goes through"
	is "$(checksum newc)" "$CHECKSUM_BEFORE" "$SCENARIO: the new coordinator reads every row"
}
scenario "new node without the extension" sc_new_node_without_the_extension

pgc_cleanup
done_testing
