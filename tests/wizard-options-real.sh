#!/bin/bash
# the wizard's command-line options and override on real Citus, when it is installed
. "$top_srcdir/tests/lib/cluster.sh"
pgc_real_tier
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
FIXTURE_TIER=real
. "$top_srcdir/tests/lib/wizard-options-scenarios.sh"
done_testing
