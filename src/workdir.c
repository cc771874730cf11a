#include "config.h"

#include "workdir.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The directory must be ours and closed to others before a root run trusts it. */
static bool
check_dir_safe(int fd, const char *path, PgError *error)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
	{
		pgerror_setf(error, "could not inspect work directory \"%s\": %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode))
	{
		pgerror_setf(error, "\"%s\" is not a directory", path);
		return false;
	}
	if (st.st_uid != geteuid())
	{
		pgerror_setf(error, "work directory \"%s\" belongs to user id %ld, not to the user running citus-rescue (%ld): "
					 "another user could plant or change what a rerun trusts",
					 path, (long) st.st_uid, (long) geteuid());
		pgerror_set_hint(error, "Give a directory of your own with --workdir.");
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH))
	{
		pgerror_setf(error, "work directory \"%s\" can be written by others (mode %04o): "
					 "another user could plant or change what a rerun trusts",
					 path, (unsigned) (st.st_mode & 07777));
		pgerror_set_hint(error, "chmod go-w it, or give another --workdir.");
		return false;
	}
	return true;
}

char *
workdir_absolute(const char *dir)
{
	char		resolved[PATH_MAX];

	if (realpath(dir, resolved) != NULL)
		return xstrdup(resolved);
	/* not made yet: where it will be made */
	if (dir[0] != '/' && getcwd(resolved, sizeof(resolved)) != NULL)
		return xasprintf("%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved,
						 strncmp(dir, "./", 2) == 0 ? dir + 2 : dir);
	return xstrdup(dir);
}

static bool
open_checked(Workdir *wd, const char *dir, PgError *error)
{
	struct stat st;

	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
	{
		pgerror_setf(error, "work directory \"%s\" is a symbolic link: give the directory itself", dir);
		return false;
	}
	wd->fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (wd->fd < 0)
	{
		pgerror_setf(error, "could not open work directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	if (!check_dir_safe(wd->fd, dir, error))
	{
		close(wd->fd);
		wd->fd = -1;
		return false;
	}
	wd->path = workdir_absolute(dir);
	return true;
}

bool
workdir_open(Workdir *wd, const char *dir, PgError *error)
{
	wd->path = NULL;
	wd->fd = -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
	{
		pgerror_setf(error, "could not create work directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	return open_checked(wd, dir, error);
}

bool
workdir_create_default(Workdir *wd, PgError *error)
{
	time_t		now = time(NULL);
	struct tm	tm;
	char		name[80];

	wd->path = NULL;
	wd->fd = -1;
	localtime_r(&now, &tm);
	strftime(name, sizeof(name), "citus-rescue-%Y%m%d-%H%M%S-XXXXXX", &tm);
	if (mkdtemp(name) == NULL)
	{
		pgerror_setf(error, "could not create a work directory here: %s", strerror(errno));
		return false;
	}
	return open_checked(wd, name, error);
}

void
workdir_close(Workdir *wd)
{
	if (wd->fd >= 0)
		close(wd->fd);
	free(wd->path);
	wd->path = NULL;
	wd->fd = -1;
}

int
private_open_existing(int dirfd, const char *dirpath, const char *name, int flags,
					  char *errbuf, size_t errlen)
{
	int			fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
	{
		int			saved = errno;

		if (saved == ELOOP)
			snprintf(errbuf, errlen, "\"%s/%s\" is a symbolic link: refusing to follow it", dirpath, name);
		else
			snprintf(errbuf, errlen, "could not open \"%s/%s\": %s", dirpath, name, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
	{
		snprintf(errbuf, errlen, "\"%s/%s\" is not a regular file of the user running citus-rescue",
				 dirpath, name);
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

bool
write_all(int fd, const char *text, size_t len)
{
	while (len > 0)
	{
		ssize_t		n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
		{
			if (n == 0)
				errno = ENOSPC;
			return false;
		}
		text += n;
		len -= (size_t) n;
	}
	return true;
}

bool
write_private_file(int dirfd, const char *dirpath, const char *name,
				   const char *text, size_t len, char *errbuf, size_t errlen)
{
	int			fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool		ok;

	if (fd < 0)
	{
		snprintf(errbuf, errlen, "could not create \"%s/%s\": %s", dirpath, name, strerror(errno));
		return false;
	}
	ok = write_all(fd, text, len) && fsync(fd) == 0;
	if (!ok)
		snprintf(errbuf, errlen, "could not write \"%s/%s\": %s", dirpath, name, strerror(errno));
	if (close(fd) != 0 && ok)
	{
		snprintf(errbuf, errlen, "could not write \"%s/%s\": %s", dirpath, name, strerror(errno));
		ok = false;
	}
	return ok;
}

char *
read_private_file(int dirfd, const char *dirpath, const char *name, char *errbuf, size_t errlen)
{
	int			fd = private_open_existing(dirfd, dirpath, name, O_RDONLY, errbuf, errlen);
	StrBuf		buf;
	char		chunk[8192];
	ssize_t		n;

	if (fd < 0)
		return NULL;
	strbuf_init(&buf);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0)
	{
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
		{
			snprintf(errbuf, errlen, "could not read \"%s/%s\": %s", dirpath, name, strerror(errno));
			strbuf_free(&buf);
			close(fd);
			return NULL;
		}
		strbuf_append_len(&buf, chunk, (size_t) n);
	}
	close(fd);
	return strbuf_steal(&buf);
}

bool
fsync_dir(int dirfd)
{
	return fsync(dirfd) == 0;
}

static void
remove_tree_depth(int dirfd, const char *name, int depth)
{
	int			fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR		   *d;
	struct dirent *e;

	if (fd < 0)
	{
		unlinkat(dirfd, name, 0);
		return;
	}
	d = fdopendir(fd);
	if (d == NULL)
	{
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
	{
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) != 0 && depth > 0)
			remove_tree_depth(fd, e->d_name, depth - 1);
	}
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void
remove_tree(int dirfd, const char *name)
{
	remove_tree_depth(dirfd, name, 2);
}

char *
read_whole_file(const char *path, char *errbuf, size_t errlen)
{
	FILE	   *f = fopen(path, "r");
	StrBuf		buf;
	char		chunk[8192];
	size_t		n;

	if (f == NULL)
	{
		snprintf(errbuf, errlen, "could not read \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	strbuf_init(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_append_len(&buf, chunk, n);
	if (ferror(f))
	{
		/* a directory opens, and fails only here (EISDIR) */
		snprintf(errbuf, errlen, "could not read \"%s\": %s", path, strerror(errno));
		fclose(f);
		strbuf_free(&buf);
		return NULL;
	}
	fclose(f);
	if (memchr(buf.data, '\0', buf.len) != NULL)
	{
		snprintf(errbuf, errlen, "\"%s\" holds a NUL byte: it is not a text file", path);
		strbuf_free(&buf);
		return NULL;
	}
	return strbuf_steal(&buf);
}
