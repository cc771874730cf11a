#!/bin/bash
# Faults at every journal record of a promote recovery, of the plain and
# the hard shapes, signals, prompts and a full disk, on real Citus, when
# it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/fault-scenarios.sh"
fault_suite promote
done_testing
