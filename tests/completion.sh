#!/bin/bash
# The bash completion (ui/completion/citus-rescue): its function called
# directly for every command and option value, the options it offers
# checked against those the binary accepts, and a few cases typed with Tab
# into a real bash in an 80x24 terminal.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tmux.sh"
RESCUE=${CITUS_RESCUE:-$top_builddir/citus-rescue}
COMPLETION=$top_srcdir/ui/completion/citus-rescue

# shellcheck source=../ui/completion/citus-rescue
. "$COMPLETION"
PGC_ROOT=$(mktemp -d /tmp/citus-rescue-completion.XXXXXX) || exit 1
# the shell in tmux may write its status as the server goes: wait for it
trap 'tmux_stop; sleep 0.3; rm -rf "$PGC_ROOT"' EXIT
mkdir "$PGC_ROOT/files" "$PGC_ROOT/files/rescue-dir" "$PGC_ROOT/files/other dir"
touch "$PGC_ROOT/files/plan.sql" "$PGC_ROOT/files/notes.txt"

# complete WORD...: the completions of the last word, one line, sorted
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_citus_rescue
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# the commands the binary lists in its --help
binary_commands() {
	"$RESCUE" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p'
}

sc_commands() {
	local offered commands command
	offered=" $(complete_words citus-rescue '') "
	commands=$(binary_commands)
	ok $([ -n "$commands" ]; echo $?) "the binary's --help lists its commands"
	for command in $commands; do
		like "$offered" " $command " "the command $command is offered"
	done
	is "$(complete_words citus-rescue re)" "recover report" "a command's prefix completes to it"
	is "$(complete_words citus-rescue --v)" "--version" "before a command: --version"
	like "$(complete_words citus-rescue --)" "--help .*--new-coordinator" \
		"and the wizard's options, which it runs without a command"
	is "$(complete_words citus-rescue -h x --pro)" "--promote" "options after a wizard option"
}
scenario "commands" sc_commands

sc_option_values() {
	cd "$PGC_ROOT/files" || return
	local command
	for command in plan recover wizard; do
		is "$(complete_words citus-rescue $command --cim '')" "exclude include" "$command --cim VALUE"
		is "$(complete_words citus-rescue $command --cim = in)" "include" "$command --cim=in (= a word break)"
	done
	is "$(COMP_WORDBREAKS=' ' complete_words citus-rescue plan --cim=ex)" "--cim=exclude" \
		"--cim=ex where = breaks no word"
	for command in apply verify recover; do
		is "$(complete_words citus-rescue $command --progress = '')" "json text" "$command --progress=VALUE"
	done
	is "$(complete_words citus-rescue recover --progress = j)" "json" "--progress=j"
	is "$(complete_words citus-rescue plan --prepared '')" "all=commit all=rollback" \
		"--prepared: GID=commit or GID=rollback, GID all for every one"
	is "$(complete_words citus-rescue plan --prepared citus_0_1_2_3 = r)" "rollback" "--prepared GID=r"
	is "$(complete_words citus-rescue recover --prepared = all = c)" "commit" "--prepared=all=c"
	for command in apply recover wizard; do
		is "$(complete_words citus-rescue $command --workdir '')" "other dir rescue-dir" "$command --workdir: directories"
	done
	is "$(complete_words citus-rescue apply '')" "other dir plan.sql rescue-dir" "apply FILE: plan files and directories"
	is "$(complete_words citus-rescue apply -y p)" "plan.sql" "apply FILE after an option"
	is "$(complete_words citus-rescue report '')" "other dir rescue-dir" "report WORKDIR: directories"
	is "$(complete_words citus-rescue report rescue-dir -o n)" "notes.txt" "report -o FILE: any file"
	is "$(complete_words citus-rescue plan -o n)" "notes.txt" "plan -o FILE"
	is "$(complete_words citus-rescue plan --output = pl)" "plan.sql" "plan --output=FILE"
	is "$(complete_words citus-rescue verify --timeout '')" "" "--timeout: nothing to guess"
	is "$(complete_words citus-rescue discover x)" "" "no word where discover takes none"
	cd - >/dev/null || return
}
scenario "option values" sc_option_values

# probe ARGS...: the binary with ARGS, its stdout and stderr; should it get
# past its options, the only server it could try is a socket that is not there
probe() {
	env -u PGHOSTADDR -u PGSERVICE PGHOST=/nonexistent/citus-rescue-probe PGPORT=1 \
		"$RESCUE" "$@" </dev/null 2>&1
}

# probe_long_options COMMAND: every long option getopt_long accepts for
# COMMAND, learnt from its messages for the prefixes --a to --z (an
# ambiguous prefix lists them all); a trailing unknown option stops every
# run before it could connect anywhere
probe_long_options() {
	local command=$1 letter out
	for letter in {a..z}; do
		out=$(probe "$command" "--$letter=x" --zz-not-an-option | head -1)
		case $out in
			*"is ambiguous; possibilities:"*)
				printf '%s\n' "${out#*possibilities: }" | grep -oE -- "--[a-z-]+" ;;
			*"doesn't allow an argument"*)
				printf '%s\n' "$out" | grep -oE -- "option '--[a-z-]+'" | grep -oE -- "--[a-z-]+" ;;
			*"unrecognized option '--$letter=x'"*) ;;
			*)
				# accepted with its value: without one it names itself
				probe "$command" "--$letter" |
					grep -oE -- "option '--[a-z-]+' requires an argument" | grep -oE -- "--[a-z-]+" ;;
		esac
	done | sort -u
}

sc_options_match_the_binary() {
	local command offered option accepted help_options
	for command in $(binary_commands); do
		"$RESCUE" "$command" --help >/dev/null 2>&1
		ok $? "$command --help, which the options are compared with, succeeds"
		offered=" $(complete_words citus-rescue "$command" -) "
		accepted=$(probe_long_options "$command")
		ok $([ -n "$accepted" ]; echo $?) "$command: the binary's long options were learnt"
		for option in $accepted; do
			like "$offered" " $option " "$command: $option, which the binary accepts, is offered"
		done
		# the short options and any long one its --help documents
		help_options=$("$RESCUE" "$command" --help | grep -oE -- "(^|[ ,\[])(-[a-zA-Z]|--[a-z][a-z-]+)" |
			grep -oE -- "-[a-zA-Z]$|--[a-z-]+" | sort -u)
		for option in $help_options; do
			like "$offered" " $option " "$command: $option, which its --help documents, is offered"
		done
		# and nothing offered that the binary would refuse as unknown
		for option in $offered; do
			local out
			out=$(probe "$command" "$option" x --zz-not-an-option)
			if printf '%s' "$out" | grep -Eq -- "unrecognized option '$option'|invalid option -- '${option#-}'"; then
				ok 1 "$command: $option, offered, is one the binary accepts"
				diag "$out"
			else
				ok 0 "$command: $option, offered, is one the binary accepts"
			fi
		done
	done
}
scenario "options match the binary" sc_options_match_the_binary

# --- a real bash in a terminal ---------------------------------------------

# the screen's lines that are not empty
screen_text() {
	tmux_screen | grep -v '^$'
}

# wait_screen TEXT: until the screen's only text is TEXT (5 s at most)
wait_screen() {
	local i=0
	while [ "$(screen_text)" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# type_tab TEXT TABS: on an empty line, types TEXT and presses Tab TABS
# times.  The line is emptied by keys (C-u, C-l), not by C-c, whose
# signal could overtake the keys sent before it.  capture-pane drops the
# spaces that end a line.
type_tab() {
	local text=$1 tabs=$2 i=0
	tmux_cmd send-keys -t t C-e C-u C-l
	wait_screen '$'
	tmux_cmd send-keys -t t -l "$text"
	wait_screen "\$ ${text% }"
	while [ $i -lt "$tabs" ]; do
		tmux_cmd send-keys -t t Tab
		i=$((i + 1))
	done
}

# screen_like REGEX DESCRIPTION: once the screen shows REGEX (5 s at most)
screen_like() {
	tmux_wait_for "$1" 5
	like "$(tmux_screen)" "$@"
}

sc_terminal() {
	if ! command -v tmux >/dev/null; then
		ok 0 "# SKIP tmux is not installed (tests/install-deps.sh installs it)"
		return
	fi
	tmux_start 80 24 "cd '$PGC_ROOT/files' && env -i HOME='$PGC_ROOT' TERM=xterm INPUTRC=/dev/null PS1='\$ ' PATH=/usr/bin:/bin bash --norc --noprofile"
	tmux_wait_for '^\$$' 10 || setup_failed "bash did not start in tmux" || return
	tmux_cmd send-keys -t t -l ". '$COMPLETION'"
	tmux_cmd send-keys -t t Enter
	type_tab "citus-rescue " 2
	screen_like "apply +discover +plan +recover +report +verify +wizard" \
		"Tab Tab after the command name lists the commands"
	type_tab "citus-rescue disc" 1
	screen_like '^\$ citus-rescue discover$' "Tab completes a command"
	type_tab "citus-rescue plan --cim=" 2
	screen_like "exclude +include" "Tab Tab after --cim= lists its values"
	type_tab "citus-rescue plan --cim=ex" 1
	screen_like '^\$ citus-rescue plan --cim=exclude$' "Tab completes --cim=ex"
	type_tab "citus-rescue apply " 2
	screen_like "other dir/ +plan\\.sql +rescue-dir/" "apply: plan files and directories"
	unlike "$(tmux_screen)" "notes\\.txt" "and no other file"
	type_tab "citus-rescue recover --workdir resc" 1
	screen_like '^\$ citus-rescue recover --workdir rescue-dir/$' "--workdir completes a directory"
	type_tab "citus-rescue wizard --workdir oth" 1
	screen_like '^\$ citus-rescue wizard --workdir other\\ dir/$' "quoted when it has a space"
	type_tab "citus-rescue plan --prepared all=r" 1
	screen_like '^\$ citus-rescue plan --prepared all=rollback$' "--prepared GID=r completes"
	type_tab "citus-rescue verify --mo" 1
	screen_like '^\$ citus-rescue verify --move-shard$' "an option completes"
	tmux_stop
}
scenario "terminal" sc_terminal

done_testing
