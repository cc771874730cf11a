#!/bin/bash
# Recovery wall time on a 1+3 cluster: citus-rescue apply against psql
# running the same plan file, as medians and a ratio over RUNS rounds.
# Real Citus when it is installed, the stand-in otherwise.  Figures, not
# pass/fail.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
RUNS=${RUNS:-5}
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/bench/lib.sh"
if pgc_have_citus; then FIXTURE_TIER=real; else FIXTURE_TIER=standin; fi

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# a fresh cluster without its coordinator, a new node, and a plan
prepare() {
	pgc_cleanup; PGC_NODES=""; pgc_init
	fixture_create >/dev/null || exit 1
	pgc_destroy coord
	fixture_new_node newc || exit 1
	"$RESCUE" plan -h 127.0.0.1 -p "$(pgc_port w2)" -U postgres \
		--new-coordinator "127.0.0.1:$(pgc_port newc)" -o "$PGC_ROOT/plan.sql" >/dev/null || exit 1
}

tool=() psql_times=()
pgc_init
for r in $(seq 1 "$RUNS"); do
	prepare
	start=$(now_ms)
	"$RESCUE" apply "$PGC_ROOT/plan.sql" --workdir "$PGC_ROOT/work" --yes >/dev/null || exit 1
	tool+=($(( $(now_ms) - start )))
	prepare
	start=$(now_ms)
	psql -X -q -h 127.0.0.1 -p "$(pgc_port w2)" -U postgres -d postgres -f "$PGC_ROOT/plan.sql" >/dev/null 2>&1 || exit 1
	psql_times+=($(( $(now_ms) - start )))
done
t=$(printf '%s\n' "${tool[@]}" | median)
p=$(printf '%s\n' "${psql_times[@]}" | median)
echo "recovery of a 1+3 cluster ($FIXTURE_TIER Citus), new node, CIM include; $RUNS runs each, medians"
printf '%-58s %8s ms\n' "citus-rescue apply (re-check, backup, journal, steps)" "$t"
printf '%-58s %8s ms\n' "psql -f on the same plan file" "$p"
printf '%-58s %8s\n' "ratio" "$(awk "BEGIN { printf \"%.2fx\", $t / ($p > 0 ? $p : 1) }")"
