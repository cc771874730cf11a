/* Reading a password from the controlling terminal, without echo. */
#ifndef CITUS_RESCUE_PROMPT_H
#define CITUS_RESCUE_PROMPT_H

/* Returns a malloc'd password, or NULL when there is no terminal to ask on. */
char	   *prompt_password(const char *prompt, void *arg);

#endif
