#!/bin/bash
# Starts a rehearsal cluster on loopback (one coordinator, three workers,
# real Citus when the extension is installed, the stand-in otherwise),
# destroys its coordinator for good, starts an empty node that can become
# the new coordinator, and opens the wizard on it (discover without a
# terminal).  The cluster is stopped and removed when citus-rescue exits.
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
echo
echo "Surviving workers: 127.0.0.1:$(pgc_port w1) 127.0.0.1:$(pgc_port w2) 127.0.0.1:$(pgc_port w3)"
if [ -t 0 ] && [ -t 1 ]; then
	fixture_new_node newc || { echo "could not start a node for the new coordinator" >&2; exit 1; }
	new_coordinator=127.0.0.1:$(pgc_port newc)
	echo "A fresh node for the new coordinator: $new_coordinator (the Choose screen has it already)"
	echo "Opening the wizard on 127.0.0.1:$(pgc_port w1)..."
	sleep 2
	"$RESCUE" wizard -h 127.0.0.1 -p "$(pgc_port w1)" -U postgres -d postgres \
		--new-coordinator "$new_coordinator"
	exit $?
fi
echo "No terminal for the wizard; running: citus-rescue discover -h 127.0.0.1 -p $(pgc_port w1) -U postgres"
echo
"$RESCUE" discover -h 127.0.0.1 -p "$(pgc_port w1)" -U postgres
