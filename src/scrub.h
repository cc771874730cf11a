/*
 * Passwords out of what is written down: a command line or a conninfo
 * string goes into run.log and the incident report only through here.
 */
#ifndef CITUS_RESCUE_SCRUB_H
#define CITUS_RESCUE_SCRUB_H

/*
 * text with the value of every password= keyword (quoted or not) and the
 * password of a postgres:// or postgresql:// URI (its user:password@ and
 * its ?password= parameter) replaced by ********; malloc'd.
 */
char	   *conninfo_scrubbed(const char *text);

/*
 * One word of a command line, scrubbed: what follows "--OPTION=" or a
 * glued "-d" is taken for a conninfo string.
 */
char	   *argument_scrubbed(const char *word);

#endif
