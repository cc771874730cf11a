#!/bin/bash
# Faults at every journal record of a new-node recovery, of the plain and
# the hard shapes, signals, refused gates and unsafe work directories, on
# real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/fault-scenarios.sh"
fault_suite new-node
done_testing
