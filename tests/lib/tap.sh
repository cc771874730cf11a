# TAP helpers for the shell tests.
TAP_N=0
TAP_FAILED=0

ok() {
	# ok CONDITION_EXIT_STATUS DESCRIPTION
	local status=$1; shift
	TAP_N=$((TAP_N + 1))
	# PGC_REAL_LABEL: which Citus a run of the real tier is on (cluster.sh)
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_N - ${PGC_REAL_LABEL:-}$*"
	else
		echo "not ok $TAP_N - ${PGC_REAL_LABEL:-}$*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {
	# is GOT WANT DESCRIPTION
	local got=$1 want=$2; shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		echo "#   got:  '$got'"
		echo "#   want: '$want'"
	fi
}

like() {
	# like TEXT EXTENDED_REGEX DESCRIPTION
	local text=$1 pattern=$2; shift 2
	if printf '%s' "$text" | grep -Eq -- "$pattern"; then
		ok 0 "$*"
	else
		ok 1 "$*"
		echo "#   no match for /$pattern/ in:"
		printf '%s\n' "$text" | head -40 | sed 's/^/#     /'
	fi
}

unlike() {
	local text=$1 pattern=$2; shift 2
	if printf '%s' "$text" | grep -Eq -- "$pattern"; then
		ok 1 "$*"
		echo "#   unexpected match for /$pattern/"
	else
		ok 0 "$*"
	fi
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# --- scenarios -------------------------------------------------------------
#
# A scenario is a function run by `scenario NAME FUNCTION [ARGS...]`.
# SCENARIO_FILTER, an extended regular expression matched without regard
# to case, picks the scenarios whose names it matches; the others print a
# comment and nothing else.  A scenario whose setup fails calls
# setup_failed and returns:
#
#	fixture_create || setup_failed "could not build the fixture" || return
#
# it is then reported as "not ok N - NAME: setup", its servers are
# cleaned up, and the next scenario runs.

SCENARIO=
SCENARIO_SETUP_ERROR=

if [ -n "${SCENARIO_FILTER:-}" ]; then
	printf '' | grep -Eiq -- "$SCENARIO_FILTER" 2>/dev/null
	if [ $? -gt 1 ]; then
		echo "Bail out! SCENARIO_FILTER is not an extended regular expression: $SCENARIO_FILTER"
		exit 1
	fi
fi

# scenario_selected NAME: whether SCENARIO_FILTER (when set) matches NAME
scenario_selected() {
	[ -z "${SCENARIO_FILTER:-}" ] && return 0
	printf '%s\n%s\n' "$1" "${PGC_REAL_LABEL:-}$1" | grep -Eiq -- "$SCENARIO_FILTER"
}

# setup_failed MESSAGE: the scenario under way cannot be set up; returns 1
setup_failed() {
	SCENARIO_SETUP_ERROR=${1:-setup failed}
	return 1
}

scenario() {
	local scenario_name=$1; shift
	if ! scenario_selected "$scenario_name"; then
		echo "# skipped by SCENARIO_FILTER: ${PGC_REAL_LABEL:-}$scenario_name"
		return 0
	fi
	SCENARIO=$scenario_name
	SCENARIO_SETUP_ERROR=
	"$@"
	if [ -n "$SCENARIO_SETUP_ERROR" ]; then
		ok 1 "$scenario_name: setup"
		diag "$SCENARIO_SETUP_ERROR"
		# its servers go, and the next scenario builds its own
		declare -F pgc_cleanup >/dev/null && pgc_cleanup
	fi
	SCENARIO=
	SCENARIO_SETUP_ERROR=
	return 0
}

done_testing() {
	if [ "$TAP_N" -eq 0 ] && [ -n "${SCENARIO_FILTER:-}" ]; then
		echo "1..0 # SKIP no scenario here matches SCENARIO_FILTER=$SCENARIO_FILTER"
		return 0
	fi
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
