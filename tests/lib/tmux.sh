# Driving a command in a real terminal: tmux send-keys and capture-pane.

TMUX_SOCKET=

tmux_cmd() {
	tmux -S "$TMUX_SOCKET" "$@"
}

# tmux_start COLS ROWS COMMAND: runs COMMAND in a new detached session; its
# exit status lands in $PGC_ROOT/tmux-status
tmux_start() {
	local cols=$1 rows=$2 command=$3
	# a socket of its own: a server still shutting down cannot take the session
	TMUX_SEQ=$((${TMUX_SEQ:-0} + 1))
	TMUX_SOCKET=$PGC_ROOT/tmux.$TMUX_SEQ.sock
	rm -f "$PGC_ROOT/tmux-status"
	tmux_cmd -f /dev/null new-session -d -s t -x "$cols" -y "$rows" \
		"$command; echo \$? > '$PGC_ROOT/tmux-status'; sleep 600"
}

tmux_screen() {
	tmux_cmd capture-pane -p -t t
}

# tmux_wait_for REGEX [SECONDS]: until the screen shows REGEX
tmux_wait_for() {
	local pattern=$1 limit=${2:-30} i=0
	while [ $i -lt $((limit * 10)) ]; do
		tmux_screen | grep -Eq -- "$pattern" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

tmux_wait_exit() {
	local limit=${1:-30} i=0
	while [ $i -lt $((limit * 10)) ]; do
		[ -s "$PGC_ROOT/tmux-status" ] && { cat "$PGC_ROOT/tmux-status"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	echo timeout
	return 1
}

tmux_stop() {
	[ -n "$TMUX_SOCKET" ] && tmux_cmd kill-server 2>/dev/null
	TMUX_SOCKET=
}

# tmux_to_choose SECONDS: from the connect screen, discovery given SECONDS
# to finish, through Compare to the Choose screen
tmux_to_choose() {
	tmux_wait_for "Host +127.0.0.1"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "Enter: compare" "$1"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 3/8: Compare"
	tmux_cmd send-keys -t t Enter
	tmux_wait_for "step 4/8: Choose"
}
