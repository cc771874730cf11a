/*
 * Every key the wizard answers to, in one table: the same table binds the
 * keys, writes the key hints at the foot of each screen and the help.
 */
#ifndef CITUS_RESCUE_UI_KEYS_H
#define CITUS_RESCUE_UI_KEYS_H

/* X(command, key name shown, what it does) */
#define WIZ_COMMANDS(X) \
	X(CMD_NEXT, "Enter", "go on to the next screen, or confirm") \
	X(CMD_BACK, "Esc", "go back one screen") \
	X(CMD_FIELD, "Tab", "next field, or switch view") \
	X(CMD_SCROLL, "Up/Down PgUp/PgDn", "move and scroll") \
	X(CMD_METHOD, "F2", "new node or promote a worker") \
	X(CMD_CIM, "F3", "coordinator in the metadata: detected, include, exclude") \
	X(CMD_RERUN, "r", "run again (discovery, checks, or the interrupted plan)") \
	X(CMD_STEP, "n/p", "next or previous SQL batch") \
	X(CMD_SAVE, "s", "save the whole plan to a file") \
	X(CMD_DECIDE, "c/b", "commit or roll back the dead coordinator's prepared transactions") \
	X(CMD_OVERRIDE, "o", "override failed checks (asks for a typed confirmation)") \
	X(CMD_CANCEL, "Ctrl-C", "stop after the step under way, or quit") \
	X(CMD_HELP, "F1 ?", "this help") \
	X(CMD_QUIT, "q", "quit (asks first)")

typedef enum WizCommand
{
#define X(cmd, name, what) cmd,
	WIZ_COMMANDS(X)
#undef X
	CMD_NONE
} WizCommand;

const char *wiz_command_key(WizCommand command);
const char *wiz_command_help(WizCommand command);

/* The command a key stands for on every screen, or CMD_NONE */
WizCommand	wiz_command_for_key(int key);

#endif
