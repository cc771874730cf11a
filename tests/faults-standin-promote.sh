#!/bin/bash
# Faults at every journal record of a promote recovery, signals, prompts
# and a full disk, on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/fault-scenarios.sh"
fault_suite promote
done_testing
