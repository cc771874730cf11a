# Throwaway PostgreSQL servers on loopback for the tests.
#
# Servers run as the postgres user when the tests run as root (initdb
# refuses root), live in one temporary directory, listen on 127.0.0.1 only
# on free ports, and are always stopped when the test exits, even when it
# fails or is interrupted.

PGC_BIN=${CITUS_RESCUE_PGBIN:-}
if [ -z "$PGC_BIN" ]; then
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		PGC_BIN=/usr/lib/postgresql/15/bin
	else
		PGC_BIN=$(pg_config --bindir)
	fi
fi
PGC_ROOT=
PGC_NODES=""
# What the servers under PGC_ROOT are, for scenarios that share them (set
# by the scenario files; pgc_cleanup forgets it with the servers)
PGC_KIND=

# PGC_PRELOAD, when set, is preloaded into every server (see
# tests/lib/loopback-names.c).
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- env ${PGC_PRELOAD:+LD_PRELOAD=$PGC_PRELOAD} "$@"
	else
		env ${PGC_PRELOAD:+LD_PRELOAD=$PGC_PRELOAD} "$@"
	fi
}

pgc_cleanup() {
	local name pid
	declare -F tmux_stop >/dev/null && tmux_stop
	for name in $PGC_NODES; do
		pid=$(pgc_pid "$name")
		[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null
		if [ -d "$PGC_ROOT/$name/data" ]; then
			as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" -m immediate -w stop >/dev/null 2>&1
		fi
	done
	if [ -n "$PGC_ROOT" ]; then
		# a tmpfs a test mounted under the root goes first
		awk -v root="$PGC_ROOT/" 'index($2, root) == 1 { print $2 }' /proc/mounts | while read -r m; do umount "$m"; done
		rm -rf "$PGC_ROOT"
	fi
	PGC_ROOT=
	PGC_NODES=""
	PGC_SAVED=""
	PGC_PRELOAD=
	PGC_KIND=
}

# Where the servers' data goes: a memory file system when there is one
# with room (4 GiB free), since the fault tests copy every server's data
# back after each fault and a disk makes that the slowest part of the
# suite; TMPDIR, or /tmp, otherwise.  PGC_TMPDIR chooses.
pgc_data_parent() {
	local free_kb
	if [ -n "${PGC_TMPDIR:-}" ]; then
		echo "$PGC_TMPDIR"
		return
	fi
	free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
	if [ "${free_kb:-0}" -ge 4194304 ] 2>/dev/null && [ -w /dev/shm ] &&
		awk '$2 == "/dev/shm" && $3 == "tmpfs"' /proc/mounts | grep -q . &&
		! awk '$2 == "/dev/shm" { print $4 }' /proc/mounts | grep -q noexec; then
		echo /dev/shm
		return
	fi
	echo "${TMPDIR:-/tmp}"
}

pgc_init() {
	PGC_ROOT=$(mktemp -d "$(pgc_data_parent)/citus-rescue-test.XXXXXX")
	chmod 755 "$PGC_ROOT"
	[ "$(id -u)" = 0 ] && chown postgres: "$PGC_ROOT"
	trap pgc_cleanup EXIT
	trap 'exit 130' INT TERM
	if [ -n "${PGC_LOOPBACK_NAMES:-}" ]; then
		# a copy the postgres user can read, wherever the build tree is
		cp "$top_builddir/tests/lib/loopback-names.so" "$PGC_ROOT/loopback-names.so" || return 1
		chmod 755 "$PGC_ROOT/loopback-names.so"
		PGC_PRELOAD=$PGC_ROOT/loopback-names.so
	fi
}

# Whether the citus extension is installed for this PostgreSQL
pgc_have_citus() {
	[ -f "$("$PGC_BIN/pg_config" --sharedir 2>/dev/null || pg_config --sharedir)/extension/citus.control" ]
}

# pgc_citus_label PG_CONFIG: "citus 12.1", from the control file of the
# citus extension installed for that PostgreSQL; empty when there is none
pgc_citus_label() {
	local control version
	control=$("$1" --sharedir 2>/dev/null)/extension/citus.control
	[ -f "$control" ] || return 1
	version=$(sed -n "s/^default_version *= *'\([0-9]*\.[0-9]*\).*/\1/p" "$control")
	echo "citus ${version:-?}"
}

# pgc_real_tier: called by each real-Citus test file right after this
# file.  Without CITUS_RESCUE_PG_CONFIGS it checks that this PostgreSQL
# (CITUS_RESCUE_PGBIN, or the system's) has Citus, and skips the file
# otherwise.  With it (pg_config paths, space-separated) it runs the file
# again once per listed PostgreSQL, each run's test names prefixed with its
# Citus version, numbers them as one TAP stream, and exits.
pgc_real_tier() {
	local script=${BASH_SOURCE[${#BASH_SOURCE[@]}-1]} config label line n total=0 failed=0 ran=0
	if [ -n "${PGC_REAL_LABEL:-}" ] || [ -z "${CITUS_RESCUE_PG_CONFIGS:-}" ]; then
		pgc_have_citus && return 0
		echo "1..0 # SKIP the citus extension is not installed for $("$PGC_BIN/postgres" --version 2>/dev/null || echo "the PostgreSQL in $PGC_BIN"); the real-Citus tier did not run"
		exit 0
	fi
	for config in $CITUS_RESCUE_PG_CONFIGS; do
		total=$((total + 1))
		if ! "$config" --bindir >/dev/null 2>&1; then
			echo "not ok $total - $config: does not run"
			failed=$((failed + 1))
			continue
		fi
		if ! label=$(pgc_citus_label "$config"); then
			echo "ok $total - $config # SKIP no citus extension for $("$config" --version)"
			continue
		fi
		total=$((total - 1))
		ran=$((ran + 1))
		while IFS= read -r line; do
			case $line in
				"ok "[0-9]* | "not ok "[0-9]*)
					total=$((total + 1))
					n=${line#ok }
					n=${n#not ok }
					n=${n%%[!0-9]*}
					case $line in "not ok"*) failed=$((failed + 1)) ;; esac
					line=${line/ $n/ $total} ;;
				"1..0 # SKIP"*) echo "# $label: skipped:${line#1..0 # SKIP}"; continue ;;
				1..[0-9]*) continue ;;
				"Bail out!"*) echo "Bail out! $label:${line#Bail out!}"; exit 1 ;;
			esac
			printf '%s\n' "$line"
		done < <(PGC_REAL_LABEL="$label: " CITUS_RESCUE_PGBIN=$("$config" --bindir) bash "$script")
	done
	if [ "$total" -eq 0 ]; then
		echo "1..0 # SKIP no test ran on the $ran PostgreSQL install(s) with Citus in CITUS_RESCUE_PG_CONFIGS"
		exit 0
	fi
	echo "1..$total"
	[ "$failed" -eq 0 ]
	exit
}

pgc_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports below the kernel's ephemeral range: a client connection's local
# port can never take a server's port while a test has it stopped.
pgc_port_range() {
	local low=32768
	[ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	[ "$low" -gt 12000 ] 2>/dev/null || low=32768
	echo "$((low - 10000 - 1000)) 10000"
}

pgc_free_port() {
	local port tries=0 base span used=${PGC_ROOT:-/nonexistent}/ports.used
	read -r base span < <(pgc_port_range)
	while [ $tries -lt 200 ]; do
		port=$((base + RANDOM % span))
		# never a port a server of this run had: a destroyed coordinator's
		# port given to the new node would make it the old coordinator
		if pgc_port_free "$port" && ! grep -qx "$port" "$used" 2>/dev/null; then
			[ -d "${PGC_ROOT:-}" ] && echo "$port" >>"$used"
			echo "$port"
			return 0
		fi
		tries=$((tries + 1))
	done
	return 1
}

pgc_template() {
	if [ ! -d "$PGC_ROOT/template" ]; then
		# small WAL segments: the fault tests copy every server's data many times
		as_pg "$PGC_BIN/initdb" -D "$PGC_ROOT/template" -U postgres -A trust \
			--no-sync -E UTF8 --locale=C --wal-segsize=1 >"$PGC_ROOT/initdb.log" 2>&1 || {
			cat "$PGC_ROOT/initdb.log" >&2
			return 1
		}
	fi
}

# pgc_start NAME [citus]: a new server; prints nothing, sets PORT_<NAME>
pgc_start() {
	local name=$1 flavour=${2:-plain} dir port tries=0
	pgc_template || return 1
	dir=$PGC_ROOT/$name
	as_pg mkdir -p "$dir"
	as_pg cp -a "$PGC_ROOT/template" "$dir/data"
	{
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$dir'"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
		echo "shared_buffers = 32MB"
		echo "max_connections = 60"
		echo "max_prepared_transactions = 60"
		echo "wal_level = logical"
		echo "max_wal_senders = 10"
		echo "max_replication_slots = 10"
		echo "log_min_messages = warning"
		echo "min_wal_size = 4MB"
		if [ "$flavour" = citus ]; then
			echo "shared_preload_libraries = 'citus'"
			echo "citus.shard_count = 8"
			echo "citus.log_distributed_deadlock_detection = off"
		fi
	} | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
	PGC_NODES="$PGC_NODES $name"
	while [ $tries -lt 10 ]; do
		port=$(pgc_free_port) || return 1
		if as_pg "$PGC_BIN/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/log" -w -t 60 start >/dev/null 2>&1; then
			eval "PORT_$name=$port"
			echo "$port" >"$dir/port"
			return 0
		fi
		tries=$((tries + 1))
	done
	echo "could not start $name:" >&2
	cat "$dir/log" >&2
	return 1
}

pgc_port() {
	cat "$PGC_ROOT/$1/port"
}

pgc_pid() {
	[ -f "$PGC_ROOT/$1/data/postmaster.pid" ] && head -1 "$PGC_ROOT/$1/data/postmaster.pid"
}

# pgc_psql NAME SQL...: runs SQL, unaligned and quiet
pgc_psql() {
	local name=$1; shift
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(pgc_port "$name")" -U postgres -d postgres "$@"
}

pgc_sql() {
	local name=$1 sql=$2
	pgc_psql "$name" -c "$sql"
}

pgc_stop() {
	as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$1/data" -m fast -w stop >/dev/null
}

pgc_restart() {
	as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$1/data" -o "-p $(pgc_port "$1")" \
		-l "$PGC_ROOT/$1/log" -w -t 60 start >/dev/null
}

pgc_reload() {
	as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$1/data" reload >/dev/null
}

# pgc_password NODE on|off: NODE alone asks for the password sekret (scram
# over TCP), or trusts again; fails when the password could not be set
pgc_password() {
	local node=$1 hba=$PGC_ROOT/$1/data/pg_hba.conf status=0
	if [ "$2" = on ]; then
		# Citus would propagate the change to every node, the dead coordinator too
		pgc_sql "$node" "SET citus.enable_alter_role_propagation = off; ALTER ROLE postgres PASSWORD 'sekret'" >/dev/null || status=1
		as_pg sed -i 's/^host\(.*\)trust$/host\1scram-sha-256/' "$hba"
	else
		as_pg sed -i 's/^host\(.*\)scram-sha-256$/host\1trust/' "$hba"
	fi
	pgc_reload "$node"
	sleep 0.3
	# as before: a role that differs from node to node is what roles-match refuses
	[ "$2" = on ] || pgc_sql "$node" "SET citus.enable_alter_role_propagation = off; ALTER ROLE postgres PASSWORD NULL" >/dev/null ||
		status=1
	return $status
}

# The coordinator is lost for good: no clean shutdown, no data directory.
pgc_destroy() {
	as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$1/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PGC_ROOT/$1/data"
}

# A node that hangs: the kernel still accepts connections, nobody answers.
pgc_freeze() {
	kill -STOP "$(pgc_pid "$1")"
}

pgc_thaw() {
	kill -CONT "$(pgc_pid "$1")"
}

# pgc_standby NAME PRIMARY: a streaming standby of PRIMARY
pgc_standby() {
	local name=$1 primary=$2 dir port
	dir=$PGC_ROOT/$name
	as_pg mkdir -p "$dir"
	as_pg "$PGC_BIN/pg_basebackup" -h 127.0.0.1 -p "$(pgc_port "$primary")" -U postgres \
		-D "$dir/data" -R -X stream -c fast >/dev/null 2>&1 || return 1
	echo "unix_socket_directories = '$dir'" | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
	PGC_NODES="$PGC_NODES $name"
	port=$(pgc_free_port) || return 1
	as_pg "$PGC_BIN/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/log" -w -t 60 start >/dev/null || return 1
	echo "$port" >"$dir/port"
}

# pgc_save: keeps a copy of every running server's data, to go back to
# with pgc_restore (cheaper than building the cluster again)
PGC_SAVED=""
pgc_save() {
	local name
	PGC_SAVED=""
	as_pg mkdir -p "$PGC_ROOT/saved"
	for name in $PGC_NODES; do
		[ -d "$PGC_ROOT/$name/data" ] || continue
		case " $PGC_SAVED " in *" $name "*) continue ;; esac
		as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" -m fast -w stop >/dev/null || return 1
		as_pg rm -rf "$PGC_ROOT/saved/$name"
		as_pg cp -a "$PGC_ROOT/$name/data" "$PGC_ROOT/saved/$name" || return 1
		PGC_SAVED="$PGC_SAVED $name"
	done
	pgc_start_saved
}

pgc_start_saved() {
	local name pids="" failed=0 pid
	for name in $PGC_SAVED; do
		as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" -o "-p $(pgc_port "$name")" \
			-l "$PGC_ROOT/$name/log" -w -t 60 start >/dev/null &
		pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	[ $failed = 0 ] && return 0
	# a server that did not come back: try once more, then say why
	for name in $PGC_SAVED; do
		as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" status >/dev/null 2>&1 && continue
		sleep 1
		as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" -o "-p $(pgc_port "$name")" \
			-l "$PGC_ROOT/$name/log" -w -t 60 start >/dev/null && continue
		echo "# $name did not start again on port $(pgc_port "$name"):"
		tail -5 "$PGC_ROOT/$name/log" | sed 's/^/#   /'
		return 1
	done
	return 0
}

# pgc_restore: every saved server back as pgc_save found it
pgc_restore() {
	local name pids="" failed=0 pid
	# every server at once: the faults tests restore after each fault
	for name in $PGC_SAVED; do
		{
			as_pg "$PGC_BIN/pg_ctl" -D "$PGC_ROOT/$name/data" -m immediate -w stop >/dev/null 2>&1
			as_pg rm -rf "$PGC_ROOT/$name/data"
			as_pg cp -a "$PGC_ROOT/saved/$name" "$PGC_ROOT/$name/data"
		} &
		pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	[ $failed = 0 ] || return 1
	pgc_start_saved
}
