#!/bin/bash
# What the workers' own transactions feel of a recovery: real Citus, a
# coordinator and WORKERS (6) workers whose tables make about PLACEMENTS
# (16000) placements; the coordinator is destroyed and, while pgbench runs
# a small read/write script through two metadata-synced workers (the donor
# and another, CLIENTS connections each), citus-rescue recover moves the
# cluster onto a new node.  Prints the transactions per second before,
# during and after the recovery, the longest single transaction (from
# pgbench's per-transaction log) with the phases and steps of the recovery
# it overlapped (from the journal's timestamps), and recover's own phases.
# Figures, not pass/fail.
#
# pgbench runs DURATION (90) seconds, the recovery starting BEFORE (10)
# seconds in; the rest of the run after the recovery is the "after"
# window.  PGBENCH chooses the pgbench binary.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
WORKERS=${WORKERS:-6}
PLACEMENTS=${PLACEMENTS:-16000}
CLIENTS=${CLIENTS:-2}
BEFORE=${BEFORE:-10}
DURATION=${DURATION:-90}
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/bench/lib.sh"
if ! pgc_have_citus; then
	echo "stall-bench: the citus extension is not installed for $PGC_BIN; nothing measured (the stand-in has no distributed executor)"
	exit 0
fi
FIXTURE_TIER=real

# load NAME: pgbench through worker NAME, its log under $bench/NAME
load() {
	"$PGBENCH" -n -h 127.0.0.1 -p "$(pgc_port "$1")" -U postgres -c "$CLIENTS" -j 1 -T "$DURATION" \
		-f "$bench/script.sql" --log --log-prefix="$bench/$1" postgres >"$bench/$1.out" 2>&1
}

# transactions NAME...: the transactions of their logs, one a line, as
# "start_ms end_ms latency_ms worker"
transactions() {
	local name
	for name in "$@"; do
		cat "$bench/$name".[0-9]* | awk -v w="$name" '{
			end = $5 * 1000 + $6 / 1000
			printf "%.3f %.3f %.3f %s\n", end - $3 / 1000, end, $3 / 1000, w
		}'
	done
}

# windows START_MS END_MS: per worker and together, the rate in each
# window (by completion time) and the longest transaction of each
windows() {
	awk -v start="$1" -v end="$2" '
		function window(t) { return t < start ? "before" : t < end ? "during" : "after" }
		NR == 1 || $2 < first { first = $2 }
		NR == 1 || $2 > last { last = $2 }
		{
			w = window($2)
			n[$4, w]++; n["both", w]++
			if ($3 > longest[$4, w]) longest[$4, w] = $3
			if ($3 > longest["both", w]) longest["both", w] = $3
		}
		END {
			span["before"] = (start - first) / 1000; span["during"] = (end - start) / 1000; span["after"] = (last - end) / 1000
			printf "  %-26s %8s %8s %8s   %s\n", "transactions per second", "before", "during", "after", "(longest transaction in each, ms)"
			printf "  %-26s %8.1f %8.1f %8.1f\n", "(window length, s)", span["before"], span["during"], span["after"]
			show("w1", "w1 (the donor)")
			show("w2", "w2")
			show("both", "both")
		}
		function show(key, label,   k, rate, long) {
			line = sprintf("  %-26s", label)
			for (k = 1; k <= 3; k++) {
				name = k == 1 ? "before" : k == 2 ? "during" : "after"
				line = line sprintf(" %8.1f", span[name] > 0 ? n[key, name] / span[name] : 0)
				long = long sprintf("%s%.0f", k > 1 ? " / " : "", longest[key, name])
			}
			print line "   (" long ")"
		}'
}

pgc_init
bench=$PGC_ROOT/bench
work=$PGC_ROOT/work
mkdir -p "$bench"
echo "citus-rescue: the workers' transactions during a recovery, new node, CIM include, on real Citus ($(pgc_citus_label "$PGC_BIN/pg_config"))"
start=$(now_ms)
bench_real_cluster "$WORKERS" "$PLACEMENTS" || { echo "could not build the cluster" >&2; exit 1; }
printf '  %-58s %10s\n' "setup: cluster built (ms)" "$(($(now_ms) - start))"
printf '  %-58s %10s\n' "placements" "$(pgc_sql coord "SELECT count(*) FROM pg_catalog.pg_dist_placement")"
pgc_destroy coord
fixture_new_node newc || { echo "could not start the new node" >&2; exit 1; }
bench_limit newc || exit 1

cat >"$bench/script.sql" <<'SQL'
\set tenant random(0, 999)
INSERT INTO bench.t1 (tenant_id, v) VALUES (:tenant, 1);
SELECT count(*) FROM bench.t1 WHERE tenant_id = :tenant;
SQL
# the script works through both workers before the clock starts
for name in w1 w2; do
	"$PGBENCH" -n -h 127.0.0.1 -p "$(pgc_port "$name")" -U postgres -t 1 -f "$bench/script.sql" postgres >"$bench/try.out" 2>&1 ||
		{ echo "pgbench through $name fails:"; cat "$bench/try.out"; exit 1; }
done
echo "  pgbench: $CLIENTS clients on each of w1 (the donor) and w2 for $DURATION s; the recovery starts $BEFORE s in"
echo "  script: insert a row into bench.t1, count the rows of its tenant"

load w1 &
load_w1=$!
load w2 &
load_w2=$!
sleep "$BEFORE"
load=$(cut -d' ' -f1 /proc/loadavg)
start=$(now_ms)
"$RESCUE" recover -h 127.0.0.1 -p "$(pgc_port w1)" -U postgres --donor "127.0.0.1:$(pgc_port w1)" \
	--new-coordinator "127.0.0.1:$(pgc_port newc)" --workdir "$work" --yes >"$bench/recover.out" 2>&1
status=$?
end=$(now_ms)
[ $status = 0 ] || { echo "  recover failed (exit status $status):"; tail -20 "$bench/recover.out" | sed 's/^/    /'; }
[ $((end - start)) -lt $(((DURATION - BEFORE) * 1000)) ] ||
	echo "  pgbench ended before the recovery did: no \"after\" window (raise DURATION)"
wait "$load_w1"
status_w1=$?
wait "$load_w2"
status_w2=$?

for name in w1 w2; do
	grep -h -i 'error\|abort' "$bench/$name.out" | head -5 | sed "s/^/  pgbench $name: /"
done
[ "$status_w1$status_w2" = 00 ] || echo "  pgbench exit status: w1 $status_w1, w2 $status_w2"
transactions w1 w2 >"$bench/transactions"
echo "  recover took $((end - start)) ms (exit status $status; load average $load on $(nproc) cores as it started)"
echo "  windows by the transactions' completion times"
windows "$start" "$end" <"$bench/transactions"

# the longest time in which neither worker finished a transaction, around
# the recovery: the clients all waiting at once
sort -n -k2 "$bench/transactions" | awk -v s="$start" -v e="$end" '
	prev && $2 >= s && prev <= e && $2 - prev > gap { gap = $2 - prev; from = prev; to = $2 }
	{ prev = $2 }
	END {
		if (gap)
			printf "  longest time without a finished transaction: %.0f ms, from %+.1f s to %+.1f s of the recovery\n",
			       gap, (from - s) / 1000, (to - s) / 1000
	}'
bench_recovery_phases "$work" "$start" "$end" >"$bench/phases"
sort -n -k3 "$bench/transactions" | tail -1 | while read -r t_start t_end latency worker; do
	awk -v s="$start" -v a="$t_start" -v b="$t_end" -v l="$latency" -v w="$worker" 'BEGIN {
		printf "  longest transaction: %.0f ms through %s, from %+.1f s to %+.1f s of the recovery\n", l, w, (a - s) / 1000, (b - s) / 1000
	}'
	awk -F'\t' -v a="$t_start" -v b="$t_end" '{
		from = $1 > a ? $1 : a; to = $2 < b ? $2 : b
		if (to > from) printf "    overlapped %7.0f ms of %7.0f ms: %s\n", to - from, $2 - $1, substr($4, 1, 60)
	}' "$bench/phases"
done
echo "  recover, phase by phase, with the transactions that finished in each phase (both workers)"
awk -v phases="$bench/phases" '
	BEGIN {
		while ((getline line < phases) > 0) {
			split(line, f, "\t"); n++; from[n] = f[1]; to[n] = f[2]; server[n] = f[3]; what[n] = f[4]
		}
	}
	{
		for (i = 1; i <= n; i++)
			if ($2 >= from[i] && $2 < to[i]) {
				count[i]++
				if ($3 > longest[i]) longest[i] = $3
				break
			}
	}
	END {
		printf "  %-50s %9s %9s %8s %10s\n", "phase", "wall ms", "server ms", "tps", "longest ms"
		for (i = 1; i <= n; i++)
			printf "  %-50s %9.0f %9s %8.1f %10.0f\n", substr(what[i], 1, 50), to[i] - from[i], server[i],
			       (to[i] > from[i] ? 1000 * count[i] / (to[i] - from[i]) : 0), longest[i]
	}' "$bench/transactions"
