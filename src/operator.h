/*
 * Who runs the tool: the report of an incident says who chose what, and
 * a shared account or sudo hides the person unless the run writes it
 * down when it starts.
 */
#ifndef CITUS_RESCUE_OPERATOR_H
#define CITUS_RESCUE_OPERATOR_H

/*
 * "login=NAME sudo_user=NAME uid=N tty=PATH host=NAME" (sudo_user only
 * when SUDO_USER is set, tty "none" without one), each value made safe
 * for a terminal and a log line; malloc'd.
 */
char	   *operator_identity(void);

#endif
