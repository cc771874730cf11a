#include "config.h"

#include "keys.h"

#define MAX_KEYS 8

static const struct
{
	WizCommand	command;
	const char *key;
	const char *help;
	int			keys[MAX_KEYS];	/* ends at the first 0 */
}			commands[] = {
#define X(cmd, name, what, ...) {cmd, name, what, {__VA_ARGS__}},
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
	for (int c = 0; c < CMD_NONE; c++)
		for (int k = 0; k < MAX_KEYS && commands[c].keys[k]; k++)
			if (commands[c].keys[k] == key)
				return commands[c].command;
	return CMD_NONE;
}
