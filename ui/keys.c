#include "config.h"

#include "keys.h"

#include <curses.h>

static const struct
{
	const char *key;
	const char *help;
}			commands[] = {
#define X(cmd, name, what) {name, what},
	WIZ_COMMANDS(X)
#undef X
};

const char *
wiz_command_key(WizCommand command)
{
	return command < CMD_NONE ? commands[command].key : "";
}

const char *
wiz_command_help(WizCommand command)
{
	return command < CMD_NONE ? commands[command].help : "";
}

WizCommand
wiz_command_for_key(int key)
{
	switch (key)
	{
		case '\n':
		case '\r':
		case KEY_ENTER:
			return CMD_NEXT;
		case 27:
			return CMD_BACK;
		case '\t':
		case KEY_BTAB:
			return CMD_FIELD;
		case KEY_UP:
		case KEY_DOWN:
		case KEY_PPAGE:
		case KEY_NPAGE:
		case KEY_HOME:
		case KEY_END:
			return CMD_SCROLL;
		case KEY_F(2):
			return CMD_METHOD;
		case KEY_F(3):
			return CMD_CIM;
		case 'r':
			return CMD_RERUN;
		case 'n':
		case 'p':
		case KEY_RIGHT:
		case KEY_LEFT:
			return CMD_STEP;
		case 's':
			return CMD_SAVE;
		case 'c':
		case 'b':
			return CMD_DECIDE;
		case 'o':
			return CMD_OVERRIDE;
		case 3:
			return CMD_CANCEL;
		case KEY_F(1):
		case '?':
			return CMD_HELP;
		case 'q':
			return CMD_QUIT;
		default:
			return CMD_NONE;
	}
}
