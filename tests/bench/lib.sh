# What the benchmarks share: medians and percentiles, stand-in clusters
# with identical metadata on every node, clusters of many placements on
# real Citus, a command's peak memory, and a recover run's phases read
# from its journal.

median() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# percentile P: the P-th percentile of the numbers on stdin (nearest rank)
percentile() {
	sort -n | awk -v p="$1" '{ a[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; print a[r] }'
}

# bench_cluster N PLACEMENTS: N stand-in nodes, each in pg_dist_node as a
# metadata worker of its own group, one hash table of PLACEMENTS shards
# spread over the groups
bench_cluster() {
	local n=$1 placements=$2 i
	for i in $(seq 1 "$n"); do
		pgc_start "n$i" || exit 1
		pgc_psql "n$i" -v layout=13.2 -f "$top_srcdir/tests/standin/citus-standin.sql" >/dev/null
	done
	for i in $(seq 1 "$n"); do
		{
			echo "BEGIN;"
			for j in $(seq 1 "$n"); do
				echo "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, metadatasynced) VALUES ($j, $j, '127.0.0.1', $(pgc_port "n$j"), true, true);"
			done
			echo "INSERT INTO pg_catalog.pg_dist_local_group VALUES ($i);"
			echo "CREATE TABLE public.t (k int);"
			echo "INSERT INTO pg_catalog.pg_dist_colocation VALUES (1, $placements, 1, 'int4'::regtype, 0);"
			echo "INSERT INTO pg_catalog.pg_dist_partition VALUES ('public.t', 'h', '{VAR :varattno 1}', 1, 's', false);"
			echo "INSERT INTO pg_catalog.pg_dist_shard SELECT 'public.t', 102008 + g, 't', g::text, g::text FROM generate_series(1, $placements) g;"
			echo "INSERT INTO pg_catalog.pg_dist_placement SELECT g, 102008 + g, 1, 0, 1 + g % $n FROM generate_series(1, $placements) g;"
			echo "COMMIT;"
		} | pgc_psql "n$i" >/dev/null
	done
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# max_rss FILE COMMAND...: runs COMMAND and writes its peak resident set
# size in KiB to FILE (the kernel's own figure, from wait4); returns its
# exit status
max_rss() {
	local file=$1; shift
	python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status) & 255)
' "$file" "$@"
}

# bench_limit NAME: caps the address space of server NAME's processes at
# BENCH_MEMORY_LIMIT (6G) each, so that a server that runs away fails with
# "out of memory" instead of waking the kernel's OOM killer on a shared
# machine
bench_limit() {
	as_pg prlimit --pid "$(pgc_pid "$1")" --as="$(numfmt --from=iec "${BENCH_MEMORY_LIMIT:-6G}")"
}

# bench_real_cluster WORKERS PLACEMENTS: real Citus, a coordinator (coord,
# in the metadata, without shards) and metadata workers w1 ... wN, a
# reference table and co-located hash tables bench.t1 ... of BENCH_SHARDS
# (1000) shards each, as many as make about PLACEMENTS placements, with a
# few rows each.  Citus's create_distributed_table needs memory that grows
# with the square of the shards it creates (1000: 0.2 GiB, 2000: 1.2 GiB,
# 4000: 4.6 GiB on the coordinator): many tables, not many shards each.
bench_real_cluster() {
	local workers=$1 placements=$2 shards=${BENCH_SHARDS:-1000} tables name i
	tables=$(((placements + shards - 1) / shards))
	for name in coord $(seq -f 'w%g' 1 "$workers"); do
		pgc_start "$name" citus || return 1
		bench_limit "$name" || return 1
		pgc_sql "$name" "CREATE EXTENSION citus" >/dev/null || return 1
	done
	pgc_sql coord "SELECT citus_set_coordinator_host('127.0.0.1', $(pgc_port coord))" >/dev/null || return 1
	for i in $(seq 1 "$workers"); do
		pgc_sql coord "SELECT citus_add_node('127.0.0.1', $(pgc_port "w$i"))" >/dev/null || return 1
	done
	{
		echo "CREATE SCHEMA bench;"
		echo "CREATE TABLE bench.ref (id int PRIMARY KEY, name text);"
		echo "SELECT create_reference_table('bench.ref');"
		echo "INSERT INTO bench.ref SELECT g, 'name ' || g FROM generate_series(1, 100) g;"
		echo "SET citus.shard_count = $shards;"
		for i in $(seq 1 "$tables"); do
			echo "CREATE TABLE bench.t$i (tenant_id int NOT NULL, v int);"
			if [ "$i" = 1 ]; then
				echo "SELECT create_distributed_table('bench.t1', 'tenant_id');"
			else
				echo "SELECT create_distributed_table('bench.t$i', 'tenant_id', colocate_with => 'bench.t1');"
			fi
			echo "INSERT INTO bench.t$i SELECT g % 1000, g FROM generate_series(1, 1000) g;"
		done
	} | pgc_psql coord >/dev/null
}

# bench_standin_cluster WORKERS PLACEMENTS: the stand-in fixture with
# workers w1 ... wN and two co-located hash tables of PLACEMENTS / 2 shards
bench_standin_cluster() {
	FIXTURE_WORKERS=$(seq -f 'w%g' 1 "$1" | tr '\n' ' ')
	FIXTURE_SHARDS=$((($2 + 1) / 2))
	fixture_create >/dev/null
}

# bench_journal_ms JOURNAL: each record as "ms<TAB>step<TAB>node<TAB>event",
# ms since the epoch
bench_journal_ms() {
	paste <(cut -f2 "$1" | date -u -f - +%s%3N) <(cut -f3-5 "$1")
}

# bench_recovery_phases WORKDIR START_MS END_MS: the phases of one recover
# run, from its journal, as "from_ms<TAB>to_ms<TAB>server_ms<TAB>what": what
# came before the first change, each step (from the end of the one before,
# so with its check; server_ms is the time of its statements, each from
# its record to its outcome's: the server's work and the round trip), and
# the verification after the last
bench_recovery_phases() {
	local work=$1 start=$2 end=$3
	bench_journal_ms "$work/journal.log" | awk -F'\t' -v start="$start" -v end="$end" -v plan="$work/plan.sql" '
		function phase(from, to, server, what) {
			printf "%.0f\t%.0f\t%s\t%s\n", from, to, server, what
		}
		BEGIN {
			while ((getline line < plan) > 0)
				if (index(line, "-- purpose: ") == 1)
					purpose[++npurposes] = substr(line, 13)
		}
		$4 == "new" && !new { new = $1 }
		$4 == "gated" { gated = $1 }
		$4 == "backed-up" { backed = $1 }
		$4 == "stepping" { stepping = $1; last = $1 }
		$4 == "finished" { finished = $1 }
		# verify-check records are numbered by verify check, not by step
		$2 > 0 && $4 != "verify-check" {
			if (!($2 in seen)) { seen[$2] = 1; order[++nsteps] = $2; from[$2] = last }
			to[$2] = $1; last = $1
			if ($4 == "statement") pending[$2] = $1
			else if (($4 == "ok" || $4 == "error") && ($2 in pending)) {
				server[$2] += $1 - pending[$2]; delete pending[$2]
			}
			else if ($4 == "skipped") skipped[$2] = 1
		}
		END {
			if (!new) new = end
			phase(start, new, "", "discover, pre-flight checks and plan")
			if (gated) phase(new, gated, "", "gates re-checked before any change")
			if (backed) phase(gated, backed, "", "metadata backup")
			if (stepping) phase(backed, stepping, "", "last gate")
			for (i = 1; i <= nsteps; i++) {
				s = order[i]
				phase(from[s], to[s], server[s] + 0,
				      sprintf("step %d%s: %s", s, skipped[s] ? " (already done)" : "", purpose[s]))
			}
			if (finished) {
				phase(last, finished, "", "after the last step")
				phase(finished, end, "", "verify")
			} else
				phase(last, end, "", "after the last record (the apply stopped)")
		}'
}

# bench_recovery_report WORKDIR START_MS END_MS: the phases of one recover
# run, a line each, their wall time and their statements' time, then the
# steps' share of the whole
bench_recovery_report() {
	bench_recovery_phases "$@" | awk -F'\t' -v start="$2" -v end="$3" '
		function row(what, wall, server) {
			printf "  %-58s %10s %10s\n", substr(what, 1, 58), wall, server
		}
		BEGIN { row("phase", "wall ms", "server ms"); whole = end - start > 0 ? end - start : 1 }
		{ row($4, $2 - $1, $3) }
		$4 ~ /^step / { wall += $2 - $1; server += $3 }
		END {
			row("steps together", wall + 0, server + 0)
			row("recover, whole", end - start, "")
			printf "  %-58s %9.1f%%\n", "steps of the whole", 100 * wall / whole
			printf "  %-58s %9.1f%%\n", "statements (server and round trip) of the whole", 100 * server / whole
		}'
}
