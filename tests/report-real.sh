#!/bin/bash
# run.log and the post-incident report on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/report-scenarios.sh"
done_testing
