#!/bin/bash
# The hostile-name corpus on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/hostile-scenarios.sh"
