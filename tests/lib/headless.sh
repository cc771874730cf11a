# The wizard driven by a key script, headless: screens dumped as text,
# compared with golden copies or searched.  Sourced after rescue.sh.

# headless KEYS-TEXT [ARGS...]: runs the wizard on a key script; screens in $SCREENS
headless() {
	local keys=$1; shift
	SCREENS=$(mktemp -d)
	printf '%s\n' "$keys" >"$SCREENS/keys"
	TERM=xterm CITUS_RESCUE_KEYS="$SCREENS/keys" CITUS_RESCUE_SCREENS="$SCREENS" \
		${CITUS_RESCUE_WRAPPER:-} "$RESCUE" wizard "$@" >/dev/null 2>&1
	HEADLESS_CODE=$?
}

# Ports and times change from run to run; goldens hold placeholders.
normalise() {
	sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g; s/[0-9]+ ms/N ms/g; s/citus-rescue-[0-9]{8}-[0-9]{6}/citus-rescue-DATE/g' "$1"
}

golden_screen() {
	local name=$1 file=$2 golden="$top_srcdir/tests/golden/screens/$1.txt"
	if [ -n "${CITUS_RESCUE_UPDATE_GOLDEN:-}" ]; then
		normalise "$file" >"$golden"
	fi
	if normalise "$file" | diff -u "$golden" - >"$SCREENS/diff" 2>&1; then
		ok 0 "screen $name matches its golden copy"
	else
		ok 1 "screen $name matches its golden copy"
		sed 's/^/#   /' "$SCREENS/diff" | head -40
	fi
}

screen_has() {
	local file=$1 pattern=$2; shift 2
	like "$(cat "$file" 2>/dev/null)" "$pattern" "$@"
}

# titles_tell_the_tier DESCRIPTION SCREEN...: on the stand-in every title
# bar says SIMULATION; on real Citus none does
titles_tell_the_tier() {
	local what=$1 screen titles; shift
	titles=$(for screen in "$@"; do head -1 "$SCREENS/$screen.txt" 2>/dev/null || echo "(no $screen)"; done)
	if [ "$FIXTURE_TIER" = standin ]; then
		is "$(printf '%s\n' "$titles" | grep -vc ' citus-rescue  SIMULATION  |  step ')" 0 \
			"$what: the title bar of every screen says SIMULATION ($*)"
	else
		is "$(printf '%s\n' "$titles" | grep -c 'SIMULATION')" 0 "$what: no title bar says SIMULATION on Citus ($*)"
	fi
}
