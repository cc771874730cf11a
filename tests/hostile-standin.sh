#!/bin/bash
# The hostile-name corpus on the stand-in catalogs
. "$top_srcdir/tests/lib/cluster.sh"
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/hostile-scenarios.sh"
