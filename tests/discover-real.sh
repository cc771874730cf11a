#!/bin/bash
# discover on real Citus, when the extension is installed for this PostgreSQL
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/discover-scenarios.sh"
done_testing
