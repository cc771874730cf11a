#!/bin/bash
# plan --json, verify --json, --progress=json and colour on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/json-scenarios.sh"
pgc_cleanup
done_testing
