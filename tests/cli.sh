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
out=$("$RESCUE" wizard </dev/null 2>&1); code=$?
is "$code" 2 "the wizard without a terminal refuses"
like "$out" "needs a terminal" "and says so"
like "$out" "discover, plan, apply, verify, recover" "pointing at the commands"
for cmd in plan apply verify recover wizard; do
	out=$("$RESCUE" $cmd --help); code=$?
	is "$code" 0 "$cmd --help exits 0"
	like "$out" "Exit status" "$cmd --help lists exit statuses"
done
out=$("$RESCUE" plan -o /dev/null 2>&1); code=$?
is "$code" 2 "plan without a method: bad usage"
like "$out" "new-coordinator HOST:PORT or --promote" "and says what is missing"
out=$("$RESCUE" plan --promote a:1 --new-coordinator b:2 -o x 2>&1); code=$?
is "$code" 2 "plan with both methods: bad usage"
out=$("$RESCUE" plan --promote a:1 --donor b:2 -o x 2>&1); code=$?
is "$code" 2 "a donor with --promote: bad usage"
out=$("$RESCUE" plan --promote a:1 --cim maybe -o x 2>&1); code=$?
is "$code" 2 "bad --cim: bad usage"
out=$("$RESCUE" plan --promote a:1 --prepared x=perhaps -o x 2>&1); code=$?
is "$code" 2 "bad --prepared: bad usage"
out=$("$RESCUE" plan --new-coordinator a:1 2>&1); code=$?
is "$code" 2 "plan without -o: bad usage"
out=$("$RESCUE" apply 2>&1); code=$?
is "$code" 2 "apply without a file: bad usage"
printf -- '-- not a plan\n' > "${TMPDIR:-/tmp}/not-a-plan.$$"
out=$("$RESCUE" apply "${TMPDIR:-/tmp}/not-a-plan.$$" --workdir "${TMPDIR:-/tmp}/wd.$$" 2>&1); code=$?
rm -rf "${TMPDIR:-/tmp}/not-a-plan.$$" "${TMPDIR:-/tmp}/wd.$$"
is "$code" 10 "apply of a file that is not a plan: refused, nothing changed"
like "$out" "malformed plan file|format" "and says why"
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
	for word in discover plan apply verify recover wizard NO_COLOR CITUS_RESCUE_KEYS "EXIT STATUS" "--map" "--json" "--timeout" "--old-coordinator" "--new-coordinator" "--promote" "--workdir" "--prepared" "--move-shard" "journal.log" "restore.sh"; do
		like "$rendered" "$word" "the man page documents $word"
	done
fi
done_testing
