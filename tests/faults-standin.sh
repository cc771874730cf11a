#!/bin/bash
# Faults at every journal record of a new-node recovery, signals, refused
# gates and unsafe work directories, on the stand-in catalogs (always runs)
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/fault-scenarios.sh"
fault_suite new-node
done_testing
