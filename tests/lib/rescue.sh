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

# wait_for_file_match FILE PATTERN: until FILE has a line matching PATTERN, for 30 s at most
wait_for_file_match() {
	local file=$1 pattern=$2 i=0
	while [ $i -lt 300 ]; do
		grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# at NODE: the connection options of a node; addr NODE: its address
at() {
	echo -h 127.0.0.1 -p "$(pgc_port "$1")" -U postgres
}

addr() {
	echo "127.0.0.1:$(pgc_port "$1")"
}
