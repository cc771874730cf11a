#!/bin/bash
# run.log and the post-incident report on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/report-scenarios.sh"
done_testing
