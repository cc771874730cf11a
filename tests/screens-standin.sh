#!/bin/bash
# Every screen and view of the wizard against its golden copy, at 80x24 and
# 132x43, in colour and with NO_COLOR, through a whole recovery of a
# stand-in cluster of six nodes with long and hostile names.  A golden
# screen is its text (tests/golden/screens/walk/SIZE/NAME.txt) and the
# attributes colour, bold, underline and reverse give it
# (.../SIZE-color/NAME.attr, .../SIZE-nocolor/NAME.attr).
# CITUS_RESCUE_UPDATE_GOLDEN=1 writes them afresh.
FIXTURE_TIER=standin
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/fixture.sh"
. "$top_srcdir/tests/lib/rescue.sh"

# The servers, and the wizard, resolve these names to 127.0.0.1, as a
# hosts file would (tests/lib/loopback-names.c)
PGC_LOOPBACK_NAMES=1
FIXTURE_WORKERS="w1 w2 w3 w4 w5"
WALK_NAMES=(
	"worker-1.eu-central-1.compute.internal.a-long-name-for-a-node.invalid"
	$'w2"\'\\</B><C>\nx.invalid'
	$'w3 \e]2;owned\a\e[2J.invalid'
	$'w4 \xc3\xbc\xe2\x80\xae-bidi-\xe2\x80\xac.invalid'
	"w5;DROP TABLE app.accounts;--.invalid"
)
GOLDEN=$top_srcdir/tests/golden/screens/walk

walk_setup() {
	local i name sql=""
	pgc_init || setup_failed "could not make a directory for the servers" || return
	fixture_create || setup_failed "could not build the stand-in fixture" || return
	for i in 1 2 3 4 5; do
		name=${WALK_NAMES[$((i - 1))]}
		sql="$sql UPDATE pg_catalog.pg_dist_node SET nodename = \$n\$$name\$n\$ WHERE nodeport = $(pgc_port "w$i");"
	done
	for name in coord w1 w2 w3 w4 w5; do
		pgc_sql "$name" "$sql" >/dev/null || setup_failed "could not rename the workers on $name" || return
	done
	pgc_destroy coord
	fixture_new_node newc || setup_failed "could not start a new node" || return
	pgc_save || setup_failed "could not save the cluster" || return
	# a path of the same length on every machine: it is on the screens
	WALK_WORK=$(mktemp -d /tmp/citus-rescue-walk.XXXXXX)
}

# The keys of a whole recovery, a dump of every screen and view on the way
walk_keys() {
	cat <<'KEYS'
dump connect
key F1
dump help
key END
dump help-end
key ESC
key ENTER
wait 60
dump discover
key END
dump discover-end
key RIGHT
dump discover-right
key ENTER
dump compare
key DOWN
dump compare-cursor
key ]
dump compare-next-node
key TAB
key PGDN
dump compare-placements
key RIGHT
dump compare-placements-right
key v
dump compare-matrix
key v
dump compare-rows
key ENTER
dump choose
key ENTER
wait 60
dump preflight
key END
dump preflight-end
key ENTER
dump review-first
key END
dump review-first-end
key w
key RIGHT
dump review-sideways
key w
KEYS
	for _ in $(seq 1 40); do echo "key n"; done
	cat <<'KEYS'
dump review-last
key END
dump review-last-end
key ENTER
dump review-confirm
text yes
key ENTER
wait 180
dump execute
key ENTER
wait 180
dump verify
key HOME
dump verify-top
key q
KEYS
}

# Ports, the work directory's random part and times change from run to
# run; each gives way to a placeholder of the same width (PORT0 for the
# old coordinator, PORT1 to PORT5 for the workers, PORT6 for the new node)
walk_normalise() {
	local name port script="s/citus-rescue-walk\\.[A-Za-z0-9]{6}/citus-rescue-walk.RANDOM/g"
	script="$script; s/[0-9]+ ms/N ms/g; s/[0-9]+\\.[0-9] s/N.N s/g; s/\\b15\\.[0-9]+\\b/15.NN/g"
	local i=0 k split=
	for name in coord w1 w2 w3 w4 w5 newc; do
		port=$(pgc_port "$name")
		script="$script; s/(^|[^0-9])$port([^0-9]|\$)/\\1PORT$i\\2/g"
		# a port that a wrapped row splits: its head ends one row, its tail follows the + mark
		for k in 1 2 3 4; do
			split="$split s/(^|[^0-9])${port:0:k}\\n\\+${port:k}(?![0-9])/\$1$(printf 'PORT%d' "$i" | cut -c1-"$k")\\n+$(printf 'PORT%d' "$i" | cut -c$((k + 1))-)/g;"
		done
		i=$((i + 1))
	done
	sed -E "$script" "$1" | perl -0pe "$split"
}

# walk_normalise_attributes TEXT ATTR: the attribute runs of ATTR, those
# of the rows where TEXT shows a time without their columns (a time's
# digits change a run's length from one run to the next)
walk_normalise_attributes() {
	local rows
	rows=$(walk_normalise "$1" | grep -nE 'N ms|N\.N s' | cut -d: -f1 | while read -r n; do echo $((n - 1)); done | tr '\n' ' ')
	awk -v rows=" $rows" '{
		row = $NF; sub(/\)$/, "", row)
		if (index(rows, " " row " ")) gsub(/[0-9]+-[0-9]+ /, "")
		print
	}' "$2"
}

# walk_compare SIZE MODE: every dump of the walk against its golden copy
walk_compare() {
	local size=$1 mode=$2 file name text_dir attr_dir
	text_dir=$GOLDEN/$size
	attr_dir=$GOLDEN/$size-$mode
	if [ -n "${CITUS_RESCUE_UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$text_dir" "$attr_dir"
		for file in "$WALK_DUMPS"/*.txt; do
			name=$(basename "$file" .txt)
			walk_normalise "$file" >"$text_dir/$name.txt"
			cp "$WALK_DUMPS/$name.attr" "$attr_dir/$name.attr"
		done
	fi
	for file in "$text_dir"/*.txt; do
		name=$(basename "$file" .txt)
		if walk_normalise "$WALK_DUMPS/$name.txt" 2>&1 | diff -u "$file" - >"$WALK_DUMPS/diff" 2>&1 &&
			diff -u <(walk_normalise_attributes "$WALK_DUMPS/$name.txt" "$attr_dir/$name.attr") \
				<(walk_normalise_attributes "$WALK_DUMPS/$name.txt" "$WALK_DUMPS/$name.attr") >>"$WALK_DUMPS/diff" 2>&1; then
			ok 0 "$size, $mode: $name matches its golden screen"
		else
			ok 1 "$size, $mode: $name matches its golden screen"
			sed 's/^/#   /' "$WALK_DUMPS/diff" | head -30
		fi
	done
}

# walk SIZE MODE: the whole recovery at that size, in colour or not
walk() {
	local size=$1 mode=$2 cols rows
	cols=${size%x*} rows=${size#*x}
	WALK_DUMPS=$(mktemp -d)
	walk_keys >"$WALK_DUMPS/keys"
	rm -rf "$WALK_WORK/run"
	(
		[ "$mode" = nocolor ] && export NO_COLOR=1
		cd "$WALK_WORK" && LINES=$rows COLUMNS=$cols TERM=xterm LD_PRELOAD=$PGC_PRELOAD \
			CITUS_RESCUE_KEYS="$WALK_DUMPS/keys" CITUS_RESCUE_SCREENS="$WALK_DUMPS" \
			${CITUS_RESCUE_WRAPPER:-} "$RESCUE" wizard -h 127.0.0.1 -p "$(pgc_port w2)" -U postgres \
			--timeout 10 --new-coordinator "127.0.0.1:$(pgc_port newc)" --workdir "$WALK_WORK/run" >/dev/null 2>&1
	)
	is "$?" 0 "$size, $mode: a whole recovery, verified, then q"
	walk_compare "$size" "$mode"
	rm -rf "$WALK_DUMPS"
	pgc_restore || setup_failed "could not restore the cluster" || return
}

sc_every_screen() {
	walk_setup || return
	walk 80x24 color
	walk 80x24 nocolor
	walk 132x43 color
	walk 132x43 nocolor
	rm -rf "$WALK_WORK"
}
scenario "every screen, golden" sc_every_screen

# The README shows the 80x24 walk: each screen it shows is the golden one
sc_readme_screens() {
	local name readme shown
	readme=$(tr '\n' '\r' <"$top_srcdir/README.md")
	for name in connect discover compare compare-matrix choose preflight review-first review-first-end execute verify; do
		shown=$(sed -e 's/^./    &/' "$GOLDEN/80x24/$name.txt" | tr '\n' '\r')
		case $readme in
			*"$shown"*) ok 0 "README: the $name screen is the golden one" ;;
			*) ok 1 "README: the $name screen is the golden one" ;;
		esac
	done
}
scenario "README screens" sc_readme_screens
pgc_cleanup
done_testing
