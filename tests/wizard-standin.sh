#!/bin/bash
# the wizard on the stand-in catalogs (always runs where tmux is)
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/wizard-scenarios.sh"
done_testing
