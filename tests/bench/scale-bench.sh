#!/bin/bash
# Recovery at scale, new-node method: for each size, a coordinator and
# WORKERS workers whose tables make about PLACEMENTS placements; the
# coordinator is destroyed, a new node started, and discover, plan and
# recover run against the survivors.  Prints how long the cluster took to
# build, discover's and plan's own times, recover's time phase by phase
# and step by step (from its journal: each step's wall time beside the
# time its statements took on the server), and the peak memory of each
# citus-rescue process.  Real Citus when it is installed, the stand-in
# otherwise (whose steps do not cost what Citus's do: only the tool's own
# share means something there).  Figures, not pass/fail.
#
# Sizes: WORKERS (6 12) times PLACEMENTS (16000 100000), or SIZES as
# WORKERSxPLACEMENTS words, e.g. SIZES="6x16000 12x16000".  On real Citus
# the placements are the shards of co-located tables of BENCH_SHARDS (1000)
# shards each, and each server's processes are capped at
# BENCH_MEMORY_LIMIT (6G) of address space.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
WORKERS=${WORKERS:-6 12}
PLACEMENTS=${PLACEMENTS:-16000 100000}
if [ -z "${SIZES:-}" ]; then
	for w in $WORKERS; do
		for p in $PLACEMENTS; do
			SIZES="${SIZES:-}${SIZES:+ }${w}x$p"
		done
	done
fi
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/bench/lib.sh"
if pgc_have_citus; then
	FIXTURE_TIER=real
	tier="real Citus ($(pgc_citus_label "$PGC_BIN/pg_config"))"
else
	FIXTURE_TIER=standin
	tier="the stand-in (no citus extension for $PGC_BIN): only the tool's own share is real"
fi

# kib_mib KIB: KiB as MiB, one decimal
kib_mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# bench_size WORKERS PLACEMENTS
bench_size() {
	local workers=$1 placements=$2 start end setup count conn out status discover_ms plan_ms load
	local work=$PGC_ROOT/work
	echo
	echo "== $workers workers, about $placements placements"
	start=$(now_ms)
	if [ "$FIXTURE_TIER" = real ]; then
		bench_real_cluster "$workers" "$placements" || { echo "could not build the cluster" >&2; return 1; }
	else
		bench_standin_cluster "$workers" "$placements" || { echo "could not build the cluster" >&2; return 1; }
	fi
	setup=$(($(now_ms) - start))
	count=$(pgc_sql coord "SELECT count(*) FROM pg_catalog.pg_dist_placement")
	pgc_destroy coord
	fixture_new_node newc || { echo "could not start the new node" >&2; return 1; }
	[ "$FIXTURE_TIER" = standin ] || bench_limit newc || return 1
	printf '  %-58s %10s\n' "setup: cluster built (ms)" "$setup"
	printf '  %-58s %10s\n' "placements" "$count"

	conn=(-h 127.0.0.1 -p "$(pgc_port w1)" -U postgres)
	start=$(now_ms)
	out=$(max_rss "$PGC_ROOT/rss.discover" "$RESCUE" discover "${conn[@]}" --json)
	discover_ms=$(($(now_ms) - start))
	start=$(now_ms)
	max_rss "$PGC_ROOT/rss.plan" "$RESCUE" plan "${conn[@]}" \
		--new-coordinator "127.0.0.1:$(pgc_port newc)" -o "$PGC_ROOT/plan.sql" >/dev/null
	status=$?
	plan_ms=$(($(now_ms) - start))
	[ $status = 0 ] || echo "  plan failed (exit status $status)"

	load=$(cut -d' ' -f1 /proc/loadavg)
	start=$(now_ms)
	max_rss "$PGC_ROOT/rss.recover" "$RESCUE" recover "${conn[@]}" \
		--new-coordinator "127.0.0.1:$(pgc_port newc)" --workdir "$work" --yes >"$PGC_ROOT/recover.out" 2>&1
	status=$?
	end=$(now_ms)
	[ $status = 0 ] || { echo "  recover failed (exit status $status):"; tail -20 "$PGC_ROOT/recover.out" | sed 's/^/    /'; }

	printf '  %-58s %10s %10s\n' "separate commands" "wall ms" "peak MiB"
	printf '  %-58s %10s %10s\n' "discover --json (elapsed_ms $(printf '%s' "$out" | jq .elapsed_ms), compare_ms $(printf '%s' "$out" | jq .compare_ms))" \
		"$discover_ms" "$(kib_mib "$(cat "$PGC_ROOT/rss.discover")")"
	printf '  %-58s %10s %10s\n' "plan" "$plan_ms" "$(kib_mib "$(cat "$PGC_ROOT/rss.plan")")"
	printf '  %-58s %10s %10s\n' "recover --yes" "$((end - start))" "$(kib_mib "$(cat "$PGC_ROOT/rss.recover")")"
	echo "  recover, phase by phase (exit status $status; load average $load on $(nproc) cores as it started)"
	[ -f "$work/journal.log" ] && bench_recovery_report "$work" "$start" "$end"
}

echo "citus-rescue recovery at scale, new node, CIM include, on $tier"
echo "sizes (workers x placements): $SIZES"
for size in $SIZES; do
	pgc_init
	bench_size "${size%x*}" "${size#*x}"
	pgc_cleanup
done
