#!/bin/bash
# Command-line behaviour that needs no server.
. "$top_srcdir/tests/lib/tap.sh"
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}

out=$("$RESCUE" --version); code=$?
is "$code" 0 "--version exits 0"
like "$out" "^citus-rescue [0-9]+\.[0-9]+\.[0-9]+$" "--version prints name and version"
out=$("$RESCUE" --help); code=$?
is "$code" 0 "--help exits 0"
like "$out" "discover" "--help lists the commands"
out=$("$RESCUE" discover --help); code=$?
is "$code" 0 "discover --help exits 0"
like "$out" "--map=NAME:PORT=HOST:PORT" "discover --help documents --map"
like "$out" "Exit status" "discover --help lists exit statuses"
out=$("$RESCUE" 2>&1); code=$?
is "$code" 2 "no command: bad usage"
out=$("$RESCUE" frobnicate 2>&1); code=$?
is "$code" 2 "unknown command: bad usage"
like "$out" 'unknown command "frobnicate"' "and says which"
out=$("$RESCUE" discover --bogus 2>&1); code=$?
is "$code" 2 "unknown option: bad usage"
out=$("$RESCUE" discover --map nonsense 2>&1); code=$?
is "$code" 2 "bad --map: bad usage"
like "$out" "expected NAME:PORT=HOST:PORT" "and says what is expected"
out=$("$RESCUE" discover --timeout 0 2>&1); code=$?
is "$code" 2 "bad --timeout: bad usage"
out=$("$RESCUE" discover --old-coordinator nohost 2>&1); code=$?
is "$code" 2 "bad --old-coordinator: bad usage"
out=$("$RESCUE" discover extra 2>&1); code=$?
is "$code" 2 "stray argument: bad usage"
out=$("$RESCUE" discover -d "host='unterminated" 2>&1); code=$?
is "$code" 3 "a broken conninfo string: the first node cannot be reached"
like "$out" "invalid connection string" "and says why"

if command -v groff >/dev/null && [ -f "$top_builddir/man/citus-rescue.1" ]; then
	warnings=$(groff -ww -z -man "$top_builddir/man/citus-rescue.1" 2>&1)
	is "$warnings" "" "the man page has no groff warnings"
	rendered=$(groff -man -Tascii "$top_builddir/man/citus-rescue.1" 2>/dev/null | sed 's/.\x08//g')
	for word in discover "EXIT STATUS" "--map" "--json" "--timeout" "--old-coordinator"; do
		like "$rendered" "$word" "the man page documents $word"
	done
fi
done_testing
