#!/bin/bash
# What network latency costs the tool: every node is reached through a
# path with DELAY_MS (20) of delay each way, and the benchmark prints
# discover's times on 1, 4 and 16 stand-in nodes (goal: 16 nodes within
# 1.5x of 1 node), what a node that never answers costs discover (goal: the
# timeout once, not once per query), and how many network round trips a
# whole recovery takes beyond its plan's own statements (goal: under 20),
# phase by phase.  Medians of RUNS (5) runs, after one warm-up run.
# Figures, not pass/fail.
#
# Layout: the servers are the usual throwaway ones, on 127.0.0.1 in this
# namespace.  Each node also has a network namespace of its own, joined to
# this one by a veth pair (LATENCY_NET.SLOT.1/30 here, .2 there; 10.213 by
# default; no route leads anywhere else), and a relay that listens inside
# it on LATENCY_NET.SLOT.2 and the server's own port (the stand-in knows
# itself in pg_dist_node by its port) and forwards each connection to its
# server.  pg_dist_node on every node names those addresses, so the tool
# and the servers' own connections to each other (the stand-in's dblink)
# all cross a veth pair and a relay.  The delay is tc netem on both ends of
# each veth pair when the kernel has netem; otherwise the relay itself
# holds every chunk DELAY_MS in each direction, in order, and holds a
# connection's first bytes two delays more, for the SYN and SYN-ACK that
# netem would have delayed.  The script says which it used.  "No delay"
# and "plain" figures take the same path with the delay at 0, so that the
# difference is the delay alone: divided by a round trip's delay it counts
# the round trips waited for one after another.  "Loopback" figures go
# straight to the servers (--map), with no namespace or relay at all.
#
# The servers log every statement and connection: beside the round trips
# measured, discover and each phase of the recovery show those the tool
# itself waited for one after another (its queries and connections), and
# the recovery's phases the statements the servers sent each other inside
# the tool's statements.  Runs with and without the delay take turns, so
# that the machine's other work weighs on both alike.  LATENCY_LOG=FILE keeps the servers'
# log of one delayed recovery there, merged in time order.
#
# It needs root (network namespaces, veth pairs) and exits with 77 when it
# is not root or cannot make a namespace.  Every namespace, veth pair,
# relay and server it made is removed when it exits, however it exits.
#
# PARTS (1 2 3) chooses the measurements, SIZES (1 4 16) the discover
# cluster sizes, TIMEOUT (3) the --timeout of the silent-node runs.  A
# recover that runs over 5 minutes is stopped.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
RUNS=${RUNS:-5}
PARTS=${PARTS:-1 2 3}
DELAY_MS=${DELAY_MS:-20}
SIZES=${SIZES:-1 4 16}
TIMEOUT=${TIMEOUT:-3}
LATENCY_NET=${LATENCY_NET:-10.213}

skip() {
	echo "latency-bench: $*; nothing measured"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "it needs root, for network namespaces and veth pairs"
for tool in ip tc python3 jq psql; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
if ip -4 -o addr show | awk '{ print $4 }' | grep -q "^${LATENCY_NET//./\\.}\."; then
	skip "addresses in $LATENCY_NET.0.0/16 are in use here already; choose another LATENCY_NET"
fi

. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/bench/lib.sh"
# shellcheck disable=SC2034 # read by fixture.sh
FIXTURE_TIER=standin

LAT_TAG=$$
LAT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/citus-rescue-latency.XXXXXX")
LAT_SLOTS=""
LAT_RELAYS=""
LAT_MODE=
LAT_DELAY=0

# ---- namespaces, veth pairs, relays -------------------------------------------

lat_ns() { echo "crlat$LAT_TAG-$1"; }
lat_veth() { echo "crl${LAT_TAG}h$1"; }
lat_peer() { echo "crl${LAT_TAG}n$1"; }
lat_addr() { echo "$LATENCY_NET.$1.2"; }

lat_stop_relays() {
	local pid
	for pid in $LAT_RELAYS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $LAT_RELAYS; do
		wait "$pid" 2>/dev/null
	done
	LAT_RELAYS=""
}

lat_cleanup() {
	local slot
	lat_stop_relays
	pgc_cleanup
	for slot in $LAT_SLOTS; do
		ip netns del "$(lat_ns "$slot")" 2>/dev/null
		ip link del "$(lat_veth "$slot")" 2>/dev/null
	done
	LAT_SLOTS=""
	rm -rf "$LAT_DIR"
}

lat_traps() {
	trap lat_cleanup EXIT
	trap 'exit 130' INT TERM
	trap 'exit 129' HUP
}

# pgc_init's own trap would forget the namespaces
lat_pgc_init() {
	pgc_init
	lat_traps
}

# lat_qdisc SLOT: the slot's veth pair carries the current delay (netem)
lat_qdisc() {
	local ns veth peer
	[ "$LAT_MODE" = netem ] || return 0
	ns=$(lat_ns "$1") veth=$(lat_veth "$1") peer=$(lat_peer "$1")
	if [ "$LAT_DELAY" -gt 0 ]; then
		tc qdisc replace dev "$veth" root netem delay "${LAT_DELAY}ms" &&
			tc -n "$ns" qdisc replace dev "$peer" root netem delay "${LAT_DELAY}ms"
	else
		tc qdisc del dev "$veth" root 2>/dev/null
		tc -n "$ns" qdisc del dev "$peer" root 2>/dev/null
		return 0
	fi
}

# lat_slot SLOT: the namespace and veth pair of a node, made once
lat_slot() {
	local slot=$1 ns veth peer
	case " $LAT_SLOTS " in *" $slot "*) return 0 ;; esac
	ns=$(lat_ns "$slot") veth=$(lat_veth "$slot") peer=$(lat_peer "$slot")
	ip netns add "$ns" || return 1
	LAT_SLOTS="$LAT_SLOTS $slot"
	ip link add "$veth" type veth peer name "$peer" netns "$ns" &&
		ip addr add "$LATENCY_NET.$slot.1/30" dev "$veth" &&
		ip link set "$veth" up &&
		ip -n "$ns" addr add "$(lat_addr "$slot")/30" dev "$peer" &&
		ip -n "$ns" link set "$peer" up &&
		ip -n "$ns" link set lo up &&
		lat_qdisc "$slot"
}

# lat_set_delay MS: the delay each way, on every path from now on
lat_set_delay() {
	local slot
	LAT_DELAY=$1
	if [ "$LAT_MODE" = netem ]; then
		echo 0 >"$LAT_DIR/delay"
		for slot in $LAT_SLOTS; do
			lat_qdisc "$slot" || return 1
		done
	else
		echo "$1" >"$LAT_DIR/delay"
	fi
}

# Which delay this kernel can give: netem on the veth pair, or the relay's
lat_choose_mode() {
	local err
	lat_slot 1 || return 1
	if err=$(tc qdisc add dev "$(lat_veth 1)" root netem delay "${DELAY_MS}ms" 2>&1); then
		tc qdisc del dev "$(lat_veth 1)" root
		LAT_MODE=netem
		echo "delay: tc netem, ${DELAY_MS} ms on each end of each veth pair; the relays only forward"
	else
		LAT_MODE=relay
		echo "delay: in the relays, ${DELAY_MS} ms each way per chunk and two more before a connection's first bytes (no tc netem here: ${err%%$'\n'*})"
	fi
}

# The relay: listens in a node's namespace, forwards to a server in this
# one.  Arguments: namespace, address, port, upstream port on 127.0.0.1,
# file holding the delay in ms (read at each connection), relay or silent
# (accepts, reads, never answers), file to create once listening.
lat_relay_program() {
	cat <<'PYTHON'
import asyncio, ctypes, os, socket, sys, time

netns, address, port, upstream, delay_file, mode, ready = sys.argv[1:8]
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


# the listening socket in the node's namespace, every other socket here
home = os.open("/proc/self/ns/net", os.O_RDONLY)
there = os.open("/run/netns/" + netns, os.O_RDONLY)
setns(there)
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((address, int(port)))
listener.listen(256)
setns(home)
os.close(there)
os.close(home)


def current_delay():
    try:
        with open(delay_file) as f:
            return float(f.read().strip() or 0) / 1000
    except (OSError, ValueError):
        return 0.0


async def pump(reader, writer, delay, hold_until):
    """Each chunk read is written delay seconds later, in order."""
    queue = asyncio.Queue()

    async def take():
        while True:
            data = await reader.read(65536)
            queue.put_nowait((max(time.monotonic() + delay, hold_until), data))
            if not data:
                return

    async def give():
        while True:
            due, data = await queue.get()
            if due > time.monotonic():
                await asyncio.sleep(due - time.monotonic())
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    await asyncio.gather(take(), give())


async def relay(creader, cwriter):
    delay = current_delay()
    accepted = time.monotonic()
    try:
        sreader, swriter = await asyncio.open_connection("127.0.0.1", int(upstream))
    except OSError:
        cwriter.close()
        return
    # the client's connect() waited for no handshake: its first bytes arrive
    # when they would have after the SYN, the SYN-ACK and their own way
    tasks = [asyncio.ensure_future(pump(creader, swriter, delay, accepted + 3 * delay)),
             asyncio.ensure_future(pump(sreader, cwriter, delay, 0))]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        if any(t.exception() for t in done):
            for t in pending:
                t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        cwriter.close()
        swriter.close()


async def silent(creader, cwriter):
    while await creader.read(65536):
        pass
    cwriter.close()


async def main():
    server = await asyncio.start_server(relay if mode == "relay" else silent, sock=listener)
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    async with server:
        await server.serve_forever()

asyncio.run(main())
PYTHON
}

# lat_relay SLOT PORT [silent]: a relay from the slot's address and PORT
# to 127.0.0.1:PORT, or a listener there that never answers
lat_relay() {
	local slot=$1 port=$2 mode=${3:-relay} ready=$LAT_DIR/ready.$1 tries=0 pid
	rm -f "$ready"
	python3 "$LAT_DIR/relay.py" "$(lat_ns "$slot")" "$(lat_addr "$slot")" "$port" \
		"$port" "$LAT_DIR/delay" "$mode" "$ready" 2>>"$LAT_DIR/relay.log" &
	pid=$!
	LAT_RELAYS="$LAT_RELAYS $pid"
	eval "LAT_RELAY_$slot=$pid"
	until [ -s "$ready" ]; do
		tries=$((tries + 1))
		if [ $tries -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "the relay of slot $slot did not start:" >&2
			tail -5 "$LAT_DIR/relay.log" >&2
			return 1
		fi
		sleep 0.05
	done
}

# lat_relay_stop SLOT: nothing listens at the slot's address any more
lat_relay_stop() {
	local pid pids=""
	pid=$(eval echo "\${LAT_RELAY_$1:-}")
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in $LAT_RELAYS; do
		[ "$p" = "$pid" ] || pids="$pids $p"
	done
	LAT_RELAYS=$pids
	eval "LAT_RELAY_$1="
}

# A new set of servers: the old ones, their relays and their data go
lat_reset() {
	lat_stop_relays
	pgc_cleanup
	lat_pgc_init
}

# ---- clusters ------------------------------------------------------------------

# lat_cluster N: stand-in nodes n1 ... nN with identical catalogs, node i
# behind slot i, pg_dist_node naming the slots' addresses; 32 placements
lat_cluster() {
	local n=$1 i j
	for i in $(seq 1 "$n"); do
		pgc_start "n$i" || return 1
		pgc_psql "n$i" -v layout=13.2 -f "$top_srcdir/tests/standin/citus-standin.sql" >/dev/null || return 1
		lat_slot "$i" || return 1
		lat_relay "$i" "$(pgc_port "n$i")" || return 1
	done
	for i in $(seq 1 "$n"); do
		{
			echo "BEGIN;"
			for j in $(seq 1 "$n"); do
				echo "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, metadatasynced) VALUES ($j, $j, '$(lat_addr "$j")', $(pgc_port "n$j"), true, true);"
			done
			echo "INSERT INTO pg_catalog.pg_dist_local_group VALUES ($i);"
			echo "CREATE TABLE public.t (k int);"
			echo "INSERT INTO pg_catalog.pg_dist_colocation VALUES (1, 32, 1, 'int4'::regtype, 0);"
			echo "INSERT INTO pg_catalog.pg_dist_partition VALUES ('public.t', 'h', '{VAR :varattno 1}', 1, 's', false);"
			echo "INSERT INTO pg_catalog.pg_dist_shard SELECT 'public.t', 102008 + g, 't', g::text, g::text FROM generate_series(1, 32) g;"
			echo "INSERT INTO pg_catalog.pg_dist_placement SELECT g, 102008 + g, 1, 0, 1 + g % $n FROM generate_series(1, 32) g;"
			echo "COMMIT;"
		} | pgc_psql "n$i" >/dev/null || return 1
	done
	lat_logging $(seq -f 'n%g' 1 "$n")
}

# lat_logging NAME...: the servers log each statement and connection, with
# epoch milliseconds and the backend's pid, from their next sessions on
lat_logging() {
	local name
	for name in "$@"; do
		pgc_psql "$name" >/dev/null <<'SQL' || return 1
ALTER SYSTEM SET log_statement = 'all';
ALTER SYSTEM SET log_connections = on;
ALTER SYSTEM SET log_line_prefix = '%n|%a|%p|';
SELECT pg_catalog.pg_reload_conf();
SQL
	done
}

# lat_maps N: --map options that send the tool straight to n1 ... nN
lat_maps() {
	local i
	for i in $(seq 1 "$1"); do
		echo "--map=$(lat_addr "$i"):$(pgc_port "n$i")=127.0.0.1:$(pgc_port "n$i")"
	done
}

# ---- measuring -----------------------------------------------------------------

# lat_ms COMMAND...: the wall time of one run in ms; its exit status in
# $LAT_DIR/status, its start and end in $LAT_DIR/window
lat_ms() {
	local start status end
	start=$(now_ms)
	"$@" >/dev/null 2>&1
	status=$?
	end=$(now_ms)
	echo "$status" >"$LAT_DIR/status"
	echo "$start $end" >"$LAT_DIR/window"
	echo $((end - start))
}

# lat_median COMMAND...: one warm-up run, then the median of RUNS
lat_median() {
	local r
	lat_ms "$@" >/dev/null
	for r in $(seq 1 "$RUNS"); do
		lat_ms "$@"
	done | median
}

# lat_rt DELAYED_MS PLAIN_MS: round trips, from what the delay added
lat_rt() {
	awk -v d="$1" -v p="$2" -v rtt=$((2 * DELAY_MS)) 'BEGIN { v = (d - p) / rtt; printf "%.1f", (v > -0.05 && v < 0.05) ? 0 : v }'
}

# The machine's other work moves every figure: each part says how busy it was
lat_load() {
	echo "load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
}

lat_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / (b > 0 ? b : 1) }'
}

# ---- 1. discover on 1, 4 and 16 nodes -----------------------------------------

# lat_discover_runs N: RUNS rounds, after a warm-up, of discover on
# loopback, through the relays without delay and with it, in turn so that
# the machine's other work weighs on the three alike; the wall times in
# $LAT_DIR/{loop,nodelay,delayed}, the last delayed run's window in
# $LAT_DIR/window
lat_discover_runs() {
	local n=$1 r loop nodelay delayed
	local via=("$RESCUE" discover -h "$(lat_addr 1)" -p "$(pgc_port n1)" -U postgres -d postgres --json)
	rm -f "$LAT_DIR/loop" "$LAT_DIR/nodelay" "$LAT_DIR/delayed"
	for r in $(seq 0 "$RUNS"); do
		lat_set_delay 0
		# shellcheck disable=SC2046
		loop=$(lat_ms "$RESCUE" discover -h 127.0.0.1 -p "$(pgc_port n1)" -U postgres -d postgres --json $(lat_maps "$n"))
		nodelay=$(lat_ms "${via[@]}")
		lat_set_delay "$DELAY_MS"
		delayed=$(lat_ms "${via[@]}")
		[ "$r" = 0 ] && continue
		echo "$loop" >>"$LAT_DIR/loop"
		echo "$nodelay" >>"$LAT_DIR/nodelay"
		echo "$delayed" >>"$LAT_DIR/delayed"
	done
}

bench_sizes() {
	local n loop nodelay delayed waits first=() last=()
	echo
	echo "== 1. discover, stand-in nodes of 32 placements, ${DELAY_MS} ms each way to every node ($(lat_load))"
	echo "  round trips: (delayed - no delay) / $((2 * DELAY_MS)) ms; waited: the round trips the tool waited for"
	echo "  one after another, from the servers' logs of one delayed run"
	printf '  %-8s %12s %12s %12s %8s %8s\n' "nodes" "loopback ms" "no delay ms" "delayed ms" "round" "waited"
	for n in $SIZES; do
		lat_reset
		lat_cluster "$n" || { echo "could not build $n nodes" >&2; return 1; }
		lat_discover_runs "$n"
		[ "$(cat "$LAT_DIR/status")" = 0 ] || echo "  (discover of $n nodes exited with status $(cat "$LAT_DIR/status"))"
		loop=$(median <"$LAT_DIR/loop") nodelay=$(median <"$LAT_DIR/nodelay") delayed=$(median <"$LAT_DIR/delayed")
		# shellcheck disable=SC2046
		read -r _ _ waits _ < <(lat_log_counts $(cat "$LAT_DIR/window"))
		printf '  %-8s %12s %12s %12s %8s %8s\n' "$n" "$loop" "$nodelay" "$delayed" "$(lat_rt "$delayed" "$nodelay")" "$waits"
		[ ${#first[@]} -eq 0 ] && first=("$n" "$loop" "$delayed" "$waits")
		last=("$n" "$loop" "$delayed" "$waits")
	done
	if [ ${#first[@]} -gt 0 ] && [ "${first[0]}" != "${last[0]}" ]; then
		printf '  ratio %s nodes to %s, delayed: %s (goal: at most 1.50x)\n' "${last[0]}" "${first[0]}" "$(lat_ratio "${last[2]}" "${first[2]}")"
		printf '  ratio of the round trips waited for: %s; on loopback: %s\n' \
			"$(lat_ratio "${last[3]}" "${first[3]}")" "$(lat_ratio "${last[1]}" "${first[1]}")"
	fi
}

# ---- 2. a node that never answers -----------------------------------------------

bench_silent() {
	local alone dead slot=20 port i json
	echo
	echo "== 2. discover --timeout=$TIMEOUT, 4 nodes and a fifth in pg_dist_node that accepts connections and never answers ($(lat_load))"
	lat_reset
	lat_cluster 4 || { echo "could not build 4 nodes" >&2; return 1; }
	lat_set_delay "$DELAY_MS"
	alone=$(lat_median "$RESCUE" discover -h "$(lat_addr 1)" -p "$(pgc_port n1)" -U postgres -d postgres --json --timeout="$TIMEOUT")
	lat_slot "$slot" || return 1
	port=$(pgc_free_port) || return 1
	lat_relay "$slot" "$port" silent || return 1
	for i in 1 2 3 4; do
		pgc_sql "n$i" "INSERT INTO pg_catalog.pg_dist_node (nodeid, groupid, nodename, nodeport, hasmetadata, metadatasynced) VALUES (5, 5, '$(lat_addr "$slot")', $port, true, true)" >/dev/null || return 1
	done
	dead=$(lat_median "$RESCUE" discover -h "$(lat_addr 1)" -p "$(pgc_port n1)" -U postgres -d postgres --json --timeout="$TIMEOUT")
	json=$("$RESCUE" discover -h "$(lat_addr 1)" -p "$(pgc_port n1)" -U postgres -d postgres --json --timeout="$TIMEOUT" 2>/dev/null)
	printf '  %-58s %10s ms\n' "4 nodes" "$alone"
	printf '  %-58s %10s ms\n' "4 nodes and the silent one" "$dead"
	printf '  %-58s %10s ms (goal: about %d ms, the timeout once)\n' "what the silent node cost" "$((dead - alone))" "$((TIMEOUT * 1000))"
	printf '  %-58s %10s\n' "  in timeouts" "$(awk -v a="$alone" -v d="$dead" -v t="$TIMEOUT" 'BEGIN { printf "%.2f", (d - a) / (t * 1000) }')"
	printf '  what discover said of it: %s\n' \
		"$(printf '%s' "$json" | jq -r --arg a "$(lat_addr "$slot")" '.nodes[] | select(.nodename == $a) | "\(.status // "?"); timed out: \(.timed_out); \(.error.message // .error // "no error")"' 2>/dev/null)"
}

# ---- 3. the round trips of a whole recovery -------------------------------------

# The rehearsal fixture (a coordinator and three workers), each node behind
# a slot, pg_dist_node naming the slots; the coordinator destroyed (its
# address refuses connections) and a new node ready.  Servers log every
# statement and connection, with epoch milliseconds, to tell the tool's
# queries from the stand-in's own (dblink's) in each phase.
lat_recovery_cluster() {
	local name sql=""
	fixture_create >/dev/null || return 1
	for name in coord w1 w2 w3; do
		lat_slot "$(lat_slot_of "$name")" || return 1
		lat_relay "$(lat_slot_of "$name")" "$(pgc_port "$name")" || return 1
		sql="$sql UPDATE pg_catalog.pg_dist_node SET nodename = '$(lat_addr "$(lat_slot_of "$name")")' WHERE nodename = '127.0.0.1' AND nodeport = $(pgc_port "$name");"
	done
	for name in coord w1 w2 w3; do
		pgc_sql "$name" "$sql" >/dev/null || return 1
	done
	pgc_destroy coord
	lat_relay_stop "$(lat_slot_of coord)"
	fixture_new_node newc || return 1
	lat_slot "$(lat_slot_of newc)" || return 1
	lat_relay "$(lat_slot_of newc)" "$(pgc_port newc)" || return 1
	lat_logging w1 w2 w3 newc || return 1
	pgc_save
}

# lat_servers_near NAME...: the stand-in's connections from one server to
# another go straight to 127.0.0.1, past the relays and their delay, as if
# the servers stood together and only the tool were far from them
lat_servers_near() {
	local name
	for name in "$@"; do
		pgc_psql "$name" >/dev/null <<SQL || return 1
ALTER FUNCTION pg_catalog.citus_standin_conninfo(text, integer) RENAME TO citus_standin_conninfo_far;
CREATE FUNCTION pg_catalog.citus_standin_conninfo(p_nodename text, p_nodeport integer)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog AS
\$\$SELECT pg_catalog.citus_standin_conninfo_far(CASE WHEN p_nodename LIKE '$LATENCY_NET.%'
  THEN '127.0.0.1' ELSE p_nodename END, p_nodeport)\$\$;
SQL
	done
}

lat_slot_of() {
	case $1 in coord) echo 1 ;; w1) echo 2 ;; w2) echo 3 ;; w3) echo 4 ;; newc) echo 5 ;; esac
}

# lat_recover MODE RUN [OPTION...]: a whole recover on the saved cluster,
# without the delay (MODE plain) or with it (any other), the options
# added; its phases in $LAT_DIR/phases.MODE.RUN, its start and end in
# window.MODE.RUN, its work directory kept
lat_recover() {
	local mode=$1 run=$2 work start end status
	shift 2
	pgc_restore || return 1
	case $mode in near-*) lat_servers_near w1 w2 w3 newc || return 1 ;; esac
	case $mode in plain | near-plain) lat_set_delay 0 ;; *) lat_set_delay "$DELAY_MS" ;; esac
	work=$LAT_DIR/work.$mode.$run
	start=$(now_ms)
	timeout -k 10 300 "$RESCUE" recover -h "$(lat_addr "$(lat_slot_of w1)")" -p "$(pgc_port w1)" -U postgres -d postgres \
		--new-coordinator "$(lat_addr "$(lat_slot_of newc)"):$(pgc_port newc)" --workdir "$work" --yes "$@" >"$work.out" 2>&1
	status=$?
	end=$(now_ms)
	if [ $status != 0 ]; then
		echo "  recover ($mode, run $run) failed with status $status:"
		tail -15 "$work.out" | sed 's/^/    /'
		return 1
	fi
	bench_recovery_phases "$work" "$start" "$end" >"$LAT_DIR/phases.$mode.$run"
	echo "$start $end" >"$LAT_DIR/window.$mode.$run"
}

# lat_phase_ms MODE WHAT: the median wall time of phase WHAT over the runs
lat_phase_ms() {
	local mode=$1
	cat "$LAT_DIR"/phases."$mode".* | W=$2 awk -F'\t' '$4 == ENVIRON["W"] { print $2 - $1 }' | median
}

# lat_sum_ms MODE WHICH: the median over runs of the whole (whole), of the
# steps together (steps) or of the rest (tool)
lat_sum_ms() {
	local mode=$1 which=$2 f
	for f in "$LAT_DIR"/phases."$mode".*; do
		# the parts of an all-nodes step overlap: the steps are the span
		# from the first one's start to the last one's end
		awk -F'\t' -v which="$which" '
			NR == 1 { start = $1 }
			{ end = $2 }
			$4 ~ /^step / { if (first == "") first = $1; if ($2 > last) last = $2 }
			END { steps = first == "" ? 0 : last - first
				  print which == "whole" ? end - start : which == "steps" ? steps : end - start - steps }' "$f"
	done | median
}

# lat_log_merged FROM_MS TO_MS: every server's log entries in that window,
# in time order, each on one line ("\n" inside), as
# "epoch|server|application|pid|text"
lat_log_merged() {
	local name
	for name in $PGC_NODES; do
		[ -f "$PGC_ROOT/$name/log" ] || continue
		awk -v name="$name" -v from="$1" -v to="$2" '
			function flush() { if (entry != "" && t >= from && t < to) print entry }
			/^[0-9]+\.[0-9]+\|/ {
				flush()
				t = substr($0, 1, index($0, "|") - 1) * 1000
				entry = substr($0, 1, index($0, "|")) name "|" substr($0, index($0, "|") + 1)
				next
			}
			{ entry = entry "\\n" $0 }
			END { flush() }' "$PGC_ROOT/$name/log"
	done | sort -t'|' -k1,1n -s
}

# lat_log_counts FROM_MS TO_MS: what the servers received in that window
# of a delayed run, as "queries sessions waits dblink": the tool's queries
# and sessions, the round trips it waited for one after another, and the
# statements of the servers' own connections to each other.  What reaches
# several nodes at once is one wait.  The statements of a pipeline, sent
# together, are logged as each begins: one that begins more than a delay
# after the one before counts as a wait of its own, so the count is high
# for them (the recovery with the servers near, below, counts them right).
# A wave of connections is three (the TCP handshake, the SSL request, the
# startup), timed from their arrival, which is all at once however long
# each server then takes to answer.
lat_log_counts() {
	lat_log_merged "$1" "$2" >"$LAT_DIR/merged"
	awk -F'|' -v gap="$DELAY_MS" '
		function tool(kind) {
			# connections made at once may reach busy servers a little apart
			if (waves == 0 || t - last > (kind == 3 && wave == 3 ? 2 * gap : gap)) {
				waits += wave
				wave = 0
				waves++
			}
			if (kind > wave) wave = kind
			last = t
		}
		NR == FNR {
			if (/connection authorized: .*application_name=citus-rescue/) ours[$2 "|" $4] = 1
			next
		}
		{ t = $1 * 1000 }
		/connection received: / { if (($2 "|" $4) in ours) { sessions++; tool(3) } next }
		/LOG:  (statement|execute [^:]*): / {
			if ($3 == "citus-rescue") { queries++; tool(1) } else dblink++
		}
		END { printf "%d %d %d %d\n", queries, sessions, waits + wave, dblink }' "$LAT_DIR/merged" "$LAT_DIR/merged"
}

# lat_summary_row WHAT ROUND_TRIPS WAITED
lat_summary_row() {
	printf '  %-56s %10s %10s %10s\n' "$1" "$2" "$3" "$(awk -v rt="$2" -v w="$3" 'BEGIN { printf "%.1f", rt - w }')"
}

bench_recovery() {
	local r what from to plain delayed phases=$LAT_DIR/phases.delayed.1 statements steps
	local whole_p whole_d steps_p steps_d tool_p tool_d wstart wend queries sessions waits dblink
	local steps_waits=0 tool_waits=0
	echo
	echo "== 3. round trips of a whole recovery: stand-in coordinator and 3 workers, the coordinator lost, recover onto a new node ($(lat_load))"
	lat_reset
	lat_recovery_cluster || { echo "could not build the cluster" >&2; return 1; }
	# warm-up, then plain and delayed runs in turn, so that the machine's
	# other work weighs on both alike
	lat_recover plain 0 || return 1
	for r in $(seq 1 "$RUNS"); do
		lat_recover plain "$r" || return 1
		lat_recover delayed "$r" || return 1
	done
	rm -f "$LAT_DIR"/phases.plain.0
	echo "  round trips: (delayed - plain) / $((2 * DELAY_MS)) ms, medians of $RUNS runs each; from the servers' logs of one"
	echo "  delayed run: the round trips the tool waited for (its queries and connections; sent to several"
	echo "  nodes at once, counted once), its queries, its sessions, and the statements the servers sent"
	echo "  each other (the stand-in's dblink: round trips inside the tool's statements)"
	printf '  %-44s %7s %7s %6s %6s %7s %8s %6s\n' "phase" "plain" "delayed" "round" "tool" "tool's" "sessions" "dblink"
	printf '  %-44s %7s %7s %6s %6s %7s %8s %6s\n' "" "ms" "ms" "trips" "waited" "queries" "opened" "stmts"
	# (cut: a phase's server column may be empty, and read would merge the tabs)
	while IFS=$'\t' read -r from to what; do
		plain=$(lat_phase_ms plain "$what")
		delayed=$(lat_phase_ms delayed "$what")
		read -r queries sessions waits dblink < <(lat_log_counts "$from" "$to")
		case $what in
			"step "*) ;;
			*) tool_waits=$((tool_waits + waits)) ;;
		esac
		printf '  %-44s %7s %7s %6s %6s %7s %8s %6s\n' "${what:0:44}" "$plain" "$delayed" \
			"$(lat_rt "$delayed" "$plain")" "$waits" "$queries" "$sessions" "$dblink"
	done < <(cut -f1,2,4 "$phases")
	# the parts of an all-nodes step overlap: the steps' waits are counted over their span
	read -r _ _ steps_waits _ < <(lat_log_counts $(awk -F'\t' '$4 ~ /^step / { if (f == "") f = $1; if ($2 > l) l = $2 }
		END { print f, l }' "$phases"))
	whole_p=$(lat_sum_ms plain whole) whole_d=$(lat_sum_ms delayed whole)
	steps_p=$(lat_sum_ms plain steps) steps_d=$(lat_sum_ms delayed steps)
	tool_p=$(lat_sum_ms plain tool) tool_d=$(lat_sum_ms delayed tool)
	read -r wstart wend <"$LAT_DIR/window.delayed.1"
	read -r queries sessions waits dblink < <(lat_log_counts "$wstart" "$wend")
	printf '  %-44s %7s %7s %6s %6s %7s %8s %6s\n' "recover, whole" "$whole_p" "$whole_d" \
		"$(lat_rt "$whole_d" "$whole_p")" "$waits" "$queries" "$sessions" "$dblink"
	statements=$(awk -F'\t' '$5 == "statement"' "$LAT_DIR/work.delayed.1/journal.log" | wc -l)
	steps=$(grep -c '^-- purpose: ' "$LAT_DIR/work.delayed.1/plan.sql")
	echo
	printf '  %-56s %10s %10s %10s\n' "" "round" "the tool" "inside its"
	printf '  %-56s %10s %10s %10s\n' "" "trips" "waited" "statements"
	lat_summary_row "whole recovery" "$(lat_rt "$whole_d" "$whole_p")" "$((steps_waits + tool_waits))"
	lat_summary_row "the plan's own ($steps steps: $statements statements, $steps checks)" "$(lat_rt "$steps_d" "$steps_p")" "$steps_waits"
	lat_summary_row "the tool's own (discovery, gates, backup, verify)" "$(lat_rt "$tool_d" "$tool_p")" "$tool_waits"
	echo "  goal: the tool's own under 20"
	bench_recovery_near
	if [ -n "${LATENCY_LOG:-}" ]; then
		lat_log_merged "$wstart" "$wend" >"$LATENCY_LOG"
		echo "  the servers' log of delayed run 1, merged: $LATENCY_LOG"
	fi
	bench_silent_coordinator "$whole_d"
}

# The same recovery with the servers' connections to each other direct:
# the delay then falls on the tool's own round trips alone, which the
# difference counts without the logs' help (a pipeline, whose statements
# the logs show one by one, is one round trip here as on the wire).
bench_recovery_near() {
	local r what plain delayed
	for r in $(seq 1 "$RUNS"); do
		lat_recover near-plain "$r" || return 1
		lat_recover near-delayed "$r" || return 1
	done
	echo
	echo "  the same recovery, the servers' connections to each other direct (only the tool's cross the"
	echo "  delay): round trips (delayed - plain) / $((2 * DELAY_MS)) ms, medians of $RUNS runs each"
	printf '  %-44s %7s %7s %6s\n' "phase" "plain" "delayed" "round"
	while IFS=$'\t' read -r _ _ what; do
		plain=$(lat_phase_ms near-plain "$what")
		delayed=$(lat_phase_ms near-delayed "$what")
		printf '  %-44s %7s %7s %6s\n' "${what:0:44}" "$plain" "$delayed" "$(lat_rt "$delayed" "$plain")"
	done < <(cut -f1,2,4 "$LAT_DIR/phases.near-delayed.1")
	printf '  %-44s %7s %7s %6s\n' "the plan's own steps" "$(lat_sum_ms near-plain steps)" \
		"$(lat_sum_ms near-delayed steps)" "$(lat_rt "$(lat_sum_ms near-delayed steps)" "$(lat_sum_ms near-plain steps)")"
	printf '  %-44s %7s %7s %6s   (goal: under 20)\n' "the tool's own (discovery, gates, backup, verify)" \
		"$(lat_sum_ms near-plain tool)" "$(lat_sum_ms near-delayed tool)" \
		"$(lat_rt "$(lat_sum_ms near-delayed tool)" "$(lat_sum_ms near-plain tool)")"
	printf '  %-44s %7s %7s %6s\n' "recover, whole" "$(lat_sum_ms near-plain whole)" \
		"$(lat_sum_ms near-delayed whole)" "$(lat_rt "$(lat_sum_ms near-delayed whole)" "$(lat_sum_ms near-plain whole)")"
}

# The old coordinator's host silent (down, its packets lost) instead of
# refusing connections: each look at its address waits for the timeout.
bench_silent_coordinator() {
	local usual=$1 took more what from to before after
	lat_relay "$(lat_slot_of coord)" "$(pgc_port coord)" silent || return 1
	lat_recover silent 1 --timeout="$TIMEOUT" || return 1
	lat_relay_stop "$(lat_slot_of coord)"
	read -r from to <"$LAT_DIR/window.silent.1"
	took=$((to - from))
	echo
	echo "  the old coordinator's address silent instead of refusing, --timeout=$TIMEOUT, one delayed run:"
	printf '  %-66s %7s ms\n' "recover, whole" "$took"
	# the usual time is a median, which may end in .5
	more=$(awk -v t="$took" -v u="$usual" 'BEGIN { printf "%d", t - u }')
	printf '  %-66s %7s ms = %s timeouts\n' "more than with the address refusing" "$more" \
		"$(awk -v d="$more" -v t="$TIMEOUT" 'BEGIN { printf "%.1f", d / (t * 1000) }')"
	while IFS=$'\t' read -r from to what; do
		before=$(lat_phase_ms delayed "$what" | awk '{ printf "%d", $1 }')
		after=$((to - from))
		if [ $((after - before)) -gt $((TIMEOUT * 500)) ]; then
			printf '    %-64s %7s ms more\n' "${what:0:64}" "$((after - before))"
		fi
	done < <(cut -f1,2,4 "$LAT_DIR/phases.silent.1")
}

# ---- main ----------------------------------------------------------------------

lat_traps
lat_relay_program >"$LAT_DIR/relay.py"
echo 0 >"$LAT_DIR/delay"
echo "citus-rescue latency benchmark: every node behind ${DELAY_MS} ms each way; $RUNS runs each, medians"
ip netns add "$(lat_ns probe)" 2>/dev/null || skip "ip netns add fails here"
ip netns del "$(lat_ns probe)"
lat_choose_mode || { echo "could not make a network namespace and veth pair" >&2; exit 1; }
echo "nodes: stand-in, servers on 127.0.0.1, each reached at $LATENCY_NET.N.2 and its own port, in a namespace of its own"
lat_pgc_init
case " $PARTS " in *" 1 "*) bench_sizes ;; esac
case " $PARTS " in *" 2 "*) bench_silent ;; esac
case " $PARTS " in *" 3 "*) bench_recovery ;; esac
