# TAP helpers for the shell tests.
TAP_N=0
TAP_FAILED=0

ok() {
	# ok CONDITION_EXIT_STATUS DESCRIPTION
	local status=$1; shift
	TAP_N=$((TAP_N + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_N - $*"
	else
		echo "not ok $TAP_N - $*"
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

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
