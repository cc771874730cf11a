/*
 * Every key the wizard answers to, in one table: the same table binds the
 * keys, writes the key hints at the foot of each screen and the help.
 */
#ifndef CITUS_RESCUE_UI_KEYS_H
#define CITUS_RESCUE_UI_KEYS_H

#include <curses.h>

/* X(command, key name shown, what it does, the keys that give it) */
#define WIZ_COMMANDS(X) \
	X(CMD_NEXT, "Enter", "go on to the next screen, or confirm", '\n', '\r', KEY_ENTER) \
	X(CMD_BACK, "Esc", "go back one screen", 27) \
	X(CMD_FIELD, "Tab", "next field, or the other pane", '\t', KEY_BTAB) \
	X(CMD_SCROLL, "Arrows PgUp/PgDn", "move, scroll; Left/Right: sideways where < or > shows more", \
	  KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, KEY_LEFT, KEY_RIGHT) \
	X(CMD_WRAP, "w", "wrap long lines, or scroll them sideways", 'w') \
	X(CMD_VIEW, "v", "another view: side by side, matrix, differing rows", 'v') \
	X(CMD_NODE, "[ ]", "the previous or next node's pg_dist_node", '[', ']') \
	X(CMD_METHOD, "F2", "new node or promote a worker", KEY_F(2)) \
	X(CMD_CIM, "F3", "coordinator in the metadata: detected, include, exclude", KEY_F(3)) \
	X(CMD_RERUN, "r", "run again (discovery, checks, or the interrupted plan)", 'r') \
	X(CMD_STEP, "n/p", "next or previous SQL batch", 'n', 'p') \
	X(CMD_SAVE, "s", "save the whole plan to a file", 's') \
	X(CMD_DECIDE, "c/b", "commit or roll back the old coordinator's prepared ones", 'c', 'b') \
	X(CMD_OVERRIDE, "o", "override failed checks (asks for a typed confirmation)", 'o') \
	X(CMD_ACCEPT_LOST, "l", "recreate the lost shards empty (asks to type how many)", 'l') \
	X(CMD_MOVE_SHARD, "m", "verify again with a test shard move (asks y/n)", 'm') \
	X(CMD_CANCEL, "Ctrl-C", "stop after the step under way, or quit", 3) \
	X(CMD_HELP, "F1 ?", "this help", KEY_F(1), '?') \
	X(CMD_QUIT, "q", "quit (asks y/n first, except after a verified recovery)", 'q')

typedef enum WizCommand
{
#define X(cmd, name, what, ...) cmd,
	WIZ_COMMANDS(X)
#undef X
	CMD_NONE
} WizCommand;

const char *wiz_command_key(WizCommand command);
const char *wiz_command_help(WizCommand command);

/* The command a key stands for on every screen, or CMD_NONE */
WizCommand	wiz_command_for_key(int key);

#endif
