#!/bin/bash
# The hostile-name corpus on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
if ! pgc_have_citus; then
	echo "1..0 # SKIP the citus extension is not installed for this PostgreSQL; the real-Citus tier did not run"
	exit 0
fi
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/hostile-scenarios.sh"
