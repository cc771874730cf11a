#!/bin/bash
# A short run of each fuzz harness, so that a regression a fuzzer finds
# in seconds fails the tests; make fuzz runs them for longer.
. "$top_srcdir/tests/lib/tap.sh"

if [ "${FUZZ_ENABLED:-no}" != yes ]; then
	skip_all "clang with libFuzzer is not installed"
fi
seconds=${FUZZ_CHECK_SECONDS:-7}
# a fresh corpus each time: every run starts from the seeds alone
mkdir -p "$top_builddir/tests/fuzz"
work=$(mktemp -d "$top_builddir/tests/fuzz/check.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

for name in planfile journal connopts termsafe sqlstyle report; do
	log=$work/$name.log
	/bin/sh "$top_srcdir/tests/fuzz/run.sh" "$name" "$seconds" \
		"$work/corpus-$name" "$top_builddir/tests/fuzz/crashes/$name" >"$log" 2>&1
	code=$?
	ok "$code" "fuzz_$name: nothing found in ${seconds} s of fuzzing"
	if [ "$code" -ne 0 ]; then
		input=$(sed -n 's/.*Test unit written to //p' "$log")
		diag "exit status $code; the input: ${input:-none written}"
		diag "$(grep -vE '^(#[0-9]|INFO:)' "$log" | head -n 60)"
	else
		diag "$(grep -E 'DONE|^stat::number_of_executed_units' "$log")"
	fi
done
done_testing
