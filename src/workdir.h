/*
 * The work directory of one recovery: plan.sql, journal.log, backup/ and
 * restore.sh.  A root run writes there, so the directory must belong to
 * the user running the tool and be closed to everyone else, and no file in
 * it is ever reached through a symbolic link.
 */
#ifndef CITUS_RESCUE_WORKDIR_H
#define CITUS_RESCUE_WORKDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct Workdir
{
	char	   *path;			/* absolute */
	int			fd;				/* O_DIRECTORY; every file is opened relative to it */
} Workdir;

/*
 * Opens DIR, creating it (0700) when it does not exist.  Refuses, with
 * the reason in errbuf, a symbolic link, a directory owned by another user
 * and one that others may write to.
 */
bool		workdir_open(Workdir *wd, const char *dir, PgError *error);

/* Creates ./citus-rescue-YYYYMMDD-HHMMSS-XXXXXX (random suffix) and opens it. */
bool		workdir_create_default(Workdir *wd, PgError *error);

void		workdir_close(Workdir *wd);

/*
 * DIR as the absolute path a person is shown (malloc'd): resolved when it
 * exists, else joined to the current directory, where it would be made.
 */
char	   *workdir_absolute(const char *dir);

/*
 * Opens NAME under the directory fd without following a symbolic link and
 * checks that it is a regular file of ours; -1 with errbuf otherwise
 * (errno ENOENT when it does not exist).
 */
int			private_open_existing(int dirfd, const char *dirpath, const char *name,
								  int flags, char *errbuf, size_t errlen);

/*
 * Creates NAME (which must not exist) with mode 0600, writes text and
 * fsyncs it.
 */
bool		write_private_file(int dirfd, const char *dirpath, const char *name,
							   const char *text, size_t len, char *errbuf, size_t errlen);

/* The whole content of NAME under the directory fd, or NULL with errbuf. */
char	   *read_private_file(int dirfd, const char *dirpath, const char *name,
							  char *errbuf, size_t errlen);

/* write(2) until all of text is written; false with errno (ENOSPC for a short write). */
bool		write_all(int fd, const char *text, size_t len);

/* Makes a directory's entries durable. */
bool		fsync_dir(int dirfd);

/* Removes NAME under dirfd and, one level deep, what it holds. */
void		remove_tree(int dirfd, const char *name);

/*
 * A whole text file the operator named (a plan): NULL with errbuf when it
 * cannot be read, is a directory or holds a NUL byte.
 */
char	   *read_whole_file(const char *path, char *errbuf, size_t errlen);

#endif
