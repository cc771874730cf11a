#!/bin/bash
# The pipeline runner against a throwaway server: a series in one round
# trip, its errors, its deadline, a cancel (tests/unit/test_pipeline;
# always runs)
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

PROG=$top_builddir/tests/unit/test_pipeline
[ -x "$PROG" ] || skip_all "$PROG is not built (make check builds it)"

pgc_init
pgc_start pipeline || { echo "Bail out! could not start a server"; exit 1; }
TEST_SESSION_CONNINFO="host=127.0.0.1 port=$(pgc_port pipeline) user=postgres dbname=postgres" \
	${CITUS_RESCUE_WRAPPER:-} "$PROG"
