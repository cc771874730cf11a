#!/bin/bash
# discover on real Citus, when the extension is installed for this PostgreSQL
. "$top_srcdir/tests/lib/cluster.sh"
if ! pgc_have_citus; then
	echo "1..0 # SKIP the citus extension is not installed for $("$PGC_BIN/postgres" --version 2>/dev/null || echo PostgreSQL); the real-Citus tier did not run"
	exit 0
fi
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/discover-scenarios.sh"
done_testing
