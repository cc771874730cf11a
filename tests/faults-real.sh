#!/bin/bash
# Faults at every journal record, signals, refused gates and unsafe work
# directories, on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/fault-scenarios.sh"
fault_suite
done_testing
