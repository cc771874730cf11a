#include "config.h"

#include "prompt.h"
#include "strbuf.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

char *
prompt_password(const char *prompt, void *arg)
{
	int			fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios saved;
	struct termios quiet;
	char		line[1024];
	size_t		len = 0;
	bool		restore;

	(void) arg;
	if (fd < 0)
		return NULL;
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
	for (;;)
	{
		char		c;
		ssize_t		n = read(fd, &c, 1);

		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 < sizeof(line))
			line[len++] = c;
	}
	line[len] = '\0';
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	close(fd);
	{
		char	   *out = xstrdup(line);

		memset(line, 0, sizeof(line));
		return out;
	}
}
