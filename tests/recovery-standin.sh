#!/bin/bash
# plan, apply, verify and recover on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/recovery-scenarios.sh"
done_testing
