#!/bin/sh
# Runs one fuzz harness from its seeds for a while:
#   run.sh NAME SECONDS CORPUS_DIR CRASH_DIR
# CORPUS_DIR keeps the inputs the run found, for the next run to start
# from; a crash, leak or undefined behaviour leaves its input in CRASH_DIR
# and a non-zero exit.  top_srcdir and top_builddir are as for the tests.
set -e
name=$1
seconds=$2
corpus=$3
crashes=$4
mkdir -p "$corpus" "$crashes"
set -- -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
	-artifact_prefix="$crashes/" "$corpus"
if [ -d "$top_srcdir/tests/fuzz/seeds/$name" ]; then
	set -- "$@" "$top_srcdir/tests/fuzz/seeds/$name"
fi
# the golden plans are the plan seeds, read where they are, and SQL for the lexer
if [ "$name" = planfile ] || [ "$name" = sqlstyle ] || [ "$name" = report ]; then
	golden=$(printf '%s,' "$top_srcdir"/tests/golden/plan-*.sql)
	set -- -seed_inputs="${golden%,}" "$@"
fi
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS
exec "$top_builddir/tests/fuzz/fuzz_$name" "$@"
