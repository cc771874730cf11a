/*
 * A growable NUL-terminated string.  Allocation failure is fatal: the tool
 * cannot do anything useful once malloc fails, and checking every append
 * would bury the logic.
 */
#ifndef CITUS_RESCUE_STRBUF_H
#define CITUS_RESCUE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct StrBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} StrBuf;

void		strbuf_init(StrBuf *buf);
void		strbuf_free(StrBuf *buf);
void		strbuf_reset(StrBuf *buf);
void		strbuf_append(StrBuf *buf, const char *s);
void		strbuf_append_len(StrBuf *buf, const char *s, size_t len);
void		strbuf_append_char(StrBuf *buf, char c);
void		strbuf_printf(StrBuf *buf, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		strbuf_vprintf(StrBuf *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
char	   *strbuf_steal(StrBuf *buf);

/*
 * A list of strings, each one item as the server sent it: names may hold
 * any character, so lists are never joined into text and split again.
 */
typedef struct StrList
{
	char	  **items;
	int			count;
} StrList;

void		strlist_add(StrList *list, const char *item);
bool		strlist_has(const StrList *list, const char *item);
void		strlist_free(StrList *list);
void		strlist_copy(StrList *dst, const StrList *src);

void	   *xmalloc(size_t size);
void	   *xcalloc(size_t n, size_t size);
void	   *xrealloc(void *ptr, size_t size);
char	   *xstrdup(const char *s);
char	   *xstrdup_or_null(const char *s);
char	   *xstrndup(const char *s, size_t len);
char	   *xasprintf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
/* What every printf-like wrapper of the tool formats with (malloc'd). */
char	   *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
