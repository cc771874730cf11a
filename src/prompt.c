#include "config.h"

#include "prompt.h"
#include "runlog.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t prompt_signal = 0;

static void
on_prompt_signal(int signo)
{
	prompt_signal = signo;
}

/*
 * Reads a password with echo off.  A signal (Ctrl-C, a hang-up) gives the
 * prompt up: the terminal gets its echo back first, then the signal is
 * delivered again to whatever handled it before.
 */
char *
prompt_password(const char *prompt, void *arg)
{
	static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction saved_actions[4];
	struct sigaction sa;
	int			fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios saved;
	struct termios quiet;
	char		line[1024];
	size_t		len = 0;
	bool		restore;
	int			signo;

	(void) arg;
	if (fd < 0)
		return NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prompt_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the read below must return */
	prompt_signal = 0;
	for (int i = 0; i < 4; i++)
		sigaction(caught[i], &sa, &saved_actions[i]);
	restore = tcgetattr(fd, &saved) == 0;
	if (restore)
	{
		quiet = saved;
		quiet.c_lflag &= (tcflag_t) ~ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		len = 0;
	while (prompt_signal == 0)
	{
		char		c;
		ssize_t		n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 < sizeof(line))
			line[len++] = c;
	}
	line[len] = '\0';
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	signo = prompt_signal;
	if (signo && write(fd, "\n", 1) < 0)
		signo = prompt_signal;
	close(fd);
	for (int i = 0; i < 4; i++)
		sigaction(caught[i], &saved_actions[i], NULL);
	if (signo)
	{
		memset(line, 0, sizeof(line));
		raise(signo);
		return NULL;
	}
	{
		char	   *out = xstrdup(line);

		memset(line, 0, sizeof(line));
		/* that a password was typed belongs to the record; the password never does */
		runlog_typed(prompt, "(a password, not logged)");
		return out;
	}
}
