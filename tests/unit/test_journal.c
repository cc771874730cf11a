/* Unit tests: the work directory and the journal: creation, records, torn ends, refusals. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "backup.h"
#include "journal.h"
#include "strbuf.h"
#include "workdir.h"

static void
diag_unused(void)
{
	printf("# could not remove the scratch directory\n");
}

static char *
slurp(const char *path)
{
	char		err[256];
	char	   *dir = xstrdup(path);
	char	   *slash = strrchr(dir, '/');
	int			dirfd;
	char	   *text;

	*slash = '\0';
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	text = read_private_file(dirfd, dir, slash + 1, err, sizeof(err));
	close(dirfd);
	free(dir);
	return text;
}

static void
append_raw(const char *path, const char *text)
{
	FILE	   *f = fopen(path, "a");

	fputs(text, f);
	fclose(f);
}

static const char *
error_text(const PgError *error)
{
	return error->message ? error->message : "";
}

static void
test_journal(void)
{
	char		root[] = "/tmp/citus-rescue-unit-XXXXXX";
	char		err[1024];
	PgError		perr = {0};
	char	   *dir;
	char	   *path;
	Workdir		wd;
	Journal		j;
	Journal		other;
	char	   *text;
	struct stat st;
	off_t		whole;

	is_int(crc32_of("123456789", 9), 0xCBF43926u, "CRC-32 check value");
	is_int(crc32_extend(crc32_of("1234", 4), "56789", 5), 0xCBF43926u,
		   "CRC-32 extended piece by piece gives the whole's");
	is_int(crc32_extend(0, "", 0), crc32_of("", 0), "CRC-32 of nothing, extended from nothing");
	ok(mkdtemp(root) != NULL, "a scratch directory");
	dir = xasprintf("%s/run", root);
	path = xasprintf("%s/journal.log", dir);

	ok(workdir_open(&wd, dir, &perr), "a new work directory is created");
	ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700, "private to its owner");
	ok(wd.path[0] == '/', "and named by an absolute path");
	ok(journal_open(&j, &wd, &perr), "a new journal opens");
	ok(!journal_open(&other, &wd, &perr) && strstr(error_text(&perr), "another citus-rescue run") != NULL,
	   "a second run on the same work directory is refused");
	journal_close(&other);
	ok(journal_write(&j, 0, "", "new", "fresh"), "a record is written");
	ok(journal_write(&j, 2, "h\tx:1", "statement", "SELECT 1;\nSELECT '\\t'"), "tabs, newlines, backslashes");
	ok(journal_write_durable(&j, 0, "", "stepping", "run 1 plan 0"), "a durable record");
	journal_close(&j);
	ok(journal_open(&j, &wd, &perr), "the journal opens again");
	is_int(j.nentries, 3, "every record read back");
	is_str(j.entries[1].node, "h\tx:1", "node field round-trips");
	is_str(j.entries[1].detail, "SELECT 1;\nSELECT '\\t'", "detail field round-trips");
	is_int(j.entries[1].step, 2, "step field round-trips");
	ok(journal_find(&j, "stepping") != NULL && journal_has(&j, 2, "statement"), "records are found");
	ok(j.repaired == NULL, "nothing to repair");
	journal_close(&j);

	stat(path, &st);
	whole = st.st_size;
	append_raw(path, "0123abcd\t2026-01-01T00:00:00.000Z\t3\tnode\tdec");
	ok(journal_open(&j, &wd, &perr), "a journal with a torn last line opens");
	ok(j.repaired != NULL && strstr(j.repaired, "no end of line") != NULL, "the torn line is reported");
	is_int(j.nentries, 3, "the torn line is not a record");
	stat(path, &st);
	is_int(st.st_size, whole, "the torn line is cut off the file");
	ok(journal_write(&j, 0, "", "finished", NULL), "the next record is written");
	journal_close(&j);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 4 && j.repaired == NULL,
	   "and is whole, never glued onto the torn one");
	journal_close(&j);

	text = slurp(path);
	text[strlen(text) - 3] ^= 1;
	unlink(path);
	append_raw(path, text);
	chmod(path, 0600);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 3 &&
	   j.repaired != NULL && strstr(j.repaired, "wrong checksum") != NULL,
	   "a last line with a wrong checksum is cut off");
	journal_close(&j);
	free(text);

	text = slurp(path);
	*strchr(text, '\t') = ' ';
	unlink(path);
	append_raw(path, text);
	chmod(path, 0600);
	ok(!journal_open(&j, &wd, &perr) && strstr(error_text(&perr), "damaged at line 1") != NULL,
	   "a damaged line before the end refuses the journal");
	journal_close(&j);
	free(text);
	unlink(path);

	/* by event: a number counts every record this process wrote, the tests' above included */
	setenv(JOURNAL_FAULT_ENV, "gate:fail", 1);
	ok(journal_open(&j, &wd, &perr), "a fresh journal");
	ok(journal_write(&j, 0, "", "new", NULL), "record 1 written");
	ok(!journal_write(&j, 0, "", "gate", "x") && j.failure != NULL &&
	   strstr(j.failure, "No space left on device") != NULL, "record 2 fails as on a full disk");
	stat(path, &st);
	whole = st.st_size;
	ok(!journal_write(&j, 0, "", "gate", "y"), "once failed, nothing more is written");
	stat(path, &st);
	is_int(st.st_size, whole, "not a byte");
	journal_close(&j);
	unsetenv(JOURNAL_FAULT_ENV);
	ok(journal_open(&j, &wd, &perr) && j.nentries == 1 && j.repaired != NULL,
	   "the half record is found torn and cut off");
	journal_close(&j);
	unlink(path);

	ok(symlink("/etc/hostname", path) == 0, "a planted symbolic link");
	ok(!journal_open(&j, &wd, &perr) && strstr(error_text(&perr), "symbolic link") != NULL,
	   "is refused, not followed");
	journal_close(&j);
	unlink(path);
	workdir_close(&wd);

	chmod(dir, 0777);
	ok(!workdir_open(&wd, dir, &perr) && strstr(error_text(&perr), "mode 0777") != NULL,
	   "a work directory others may write to is refused");
	chmod(dir, 0700);
	{
		char	   *link = xasprintf("%s/link", root);

		ok(symlink(dir, link) == 0 && !workdir_open(&wd, link, &perr) &&
		   strstr(error_text(&perr), "symbolic link") != NULL, "a work directory that is a link is refused");
		unlink(link);
		free(link);
	}

	/* a backup's manifest proves it whole */
	ok(workdir_open(&wd, dir, &perr), "the work directory again");
	mkdirat(wd.fd, "backup", 0700);
	{
		char	   *manifest;
		char	   *file = xasprintf("%s/backup/a.copy", dir);
		char	   *mpath = xasprintf("%s/backup/MANIFEST", dir);
		char		proof[256];

		append_raw(file, "1\t2\n");
		chmod(file, 0600);
		manifest = xasprintf("%08x 4 backup/a.copy\nend 1 files\n", crc32_of("1\t2\n", 4));
		append_raw(mpath, manifest);
		chmod(mpath, 0600);
		ok(backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)), "a complete backup verifies");
		append_raw(file, "x");
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "changed") != NULL,
		   "a changed file does not");
		unlink(file);
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "incomplete") != NULL,
		   "a missing file does not");
		unlink(mpath);
		free(manifest);
		manifest = xasprintf("%08x 4 backup/../../etc/passwd\n", crc32_of("1\t2\n", 4));
		append_raw(mpath, manifest);
		chmod(mpath, 0600);
		ok(!backup_verify(&wd, proof, sizeof(proof), err, sizeof(err)) && strstr(err, "bad path") != NULL,
		   "a path out of the work directory is refused");
		free(manifest);
		free(file);
		free(mpath);
	}
	workdir_close(&wd);
	{
		char	   *cmd = xasprintf("rm -rf '%s'", root);

		if (system(cmd) != 0)
			diag_unused();
		free(cmd);
	}
	pgerror_clear(&perr);
	free(dir);
	free(path);
}

/* A work directory is shown as an absolute path, whether or not it is made yet */
static void
test_workdir_absolute(void)
{
	char		root[] = "/tmp/citus-rescue-unit-XXXXXX";
	char		back[4096];
	char		here[4096];
	char	   *want;
	char	   *shown;

	if (mkdtemp(root) == NULL || getcwd(back, sizeof(back)) == NULL || chdir(root) != 0 ||
		getcwd(here, sizeof(here)) == NULL || mkdir("made", 0700) != 0)
	{
		ok(0, "a scratch directory to work in");
		return;
	}
	want = xasprintf("%s/later", here);
	shown = workdir_absolute("later");
	is_str(shown, want, "a relative directory not made yet: under the current one");
	free(shown);
	shown = workdir_absolute("./later");
	is_str(shown, want, "and without its ./");
	free(shown);
	free(want);
	want = xasprintf("%s/made", here);
	shown = workdir_absolute("made/../made");
	is_str(shown, want, "one that exists: resolved");
	free(shown);
	free(want);
	shown = workdir_absolute("/nowhere/at/all");
	is_str(shown, "/nowhere/at/all", "an absolute one: as given");
	free(shown);
	if (chdir(back) != 0 || rmdir(want = xasprintf("%s/made", root)) != 0 || rmdir(root) != 0)
		diag_unused();
	free(want);
}

int
main(void)
{
	test_journal();
	test_workdir_absolute();
	return tap_done();
}
