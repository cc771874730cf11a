#include "config.h"

#include "operator.h"
#include "strbuf.h"
#include "termsafe.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A value is one word: a space inside it would read as the next field. */
static void
append_field(StrBuf *out, const char *name, const char *value)
{
	char	   *safe = terminal_safe_dup(value);

	for (char *p = safe; *p; p++)
		if (*p == ' ')
			*p = '_';
	strbuf_printf(out, "%s%s=%s", out->len ? " " : "", name, safe);
	free(safe);
}

char *
operator_identity(void)
{
	StrBuf		out;
	const char *login = getlogin();
	const char *sudo_user = getenv("SUDO_USER");
	struct passwd *pw = getpwuid(getuid());
	const char *tty = NULL;
	char		host[256] = "";
	char		uid[32];

	/* getlogin() needs a terminal session; the account is the next best name */
	if (login == NULL || *login == '\0')
		login = pw ? pw->pw_name : "unknown";
	for (int fd = 0; fd <= 2 && tty == NULL; fd++)
		tty = ttyname(fd);
	if (gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	snprintf(uid, sizeof(uid), "%ld", (long) getuid());

	strbuf_init(&out);
	append_field(&out, "login", login);
	if (sudo_user && *sudo_user)
		append_field(&out, "sudo_user", sudo_user);
	append_field(&out, "uid", uid);
	append_field(&out, "tty", tty ? tty : "none");
	append_field(&out, "host", host);
	return out.data;
}
