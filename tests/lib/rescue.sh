# What every live test needs: the harness, and the tool to run.

. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/tmux.sh"

RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
OUT=
CODE=

# CITUS_RESCUE_WRAPPER runs the tool under valgrind or the like
rescue() {
	${CITUS_RESCUE_WRAPPER:-} "$RESCUE" "$@"
}

# expect_code WANT DESCRIPTION: checks CODE, shows the end of OUT when wrong
expect_code() {
	local want=$1; shift
	is "$CODE" "$want" "$@"
	[ "$CODE" = "$want" ] || printf '%s\n' "$OUT" | tail -40 | sed 's/^/#     /'
}
