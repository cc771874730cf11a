#!/bin/bash
# the wizard's command-line options and override, on the stand-in catalogs
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/wizard-options-scenarios.sh"
done_testing
