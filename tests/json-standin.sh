#!/bin/bash
# plan --json, verify --json, --progress=json and colour on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/json-scenarios.sh"
pgc_cleanup
done_testing
