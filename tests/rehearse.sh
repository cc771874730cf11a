#!/bin/bash
# Starts a rehearsal cluster on loopback (one coordinator, three workers,
# real Citus when the extension is installed, the stand-in otherwise),
# destroys its coordinator for good, and opens citus-rescue on it.  The
# cluster is stopped and removed when citus-rescue exits.
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"

if pgc_have_citus; then
	FIXTURE_TIER=real
else
	FIXTURE_TIER=standin
fi
pgc_init
echo "Starting a rehearsal cluster ($FIXTURE_TIER Citus): one coordinator, three workers..."
fixture_create "$@" || { echo "could not start the rehearsal cluster" >&2; exit 1; }
echo "Destroying its coordinator (immediate stop, data directory removed)..."
pgc_destroy coord
echo
echo "Surviving workers: 127.0.0.1:$(pgc_port w1) 127.0.0.1:$(pgc_port w2) 127.0.0.1:$(pgc_port w3)"
echo "Running: citus-rescue discover -h 127.0.0.1 -p $(pgc_port w1) -U postgres"
echo
"$RESCUE" discover -h 127.0.0.1 -p "$(pgc_port w1)" -U postgres
status=$?
if [ -t 0 ]; then
	echo
	echo "The workers are still up; try other commands in another terminal, e.g."
	echo "  $RESCUE discover -h 127.0.0.1 -p $(pgc_port w2) -U postgres --json"
	read -r -p "Press Enter to stop the rehearsal cluster. " _
fi
exit $status
